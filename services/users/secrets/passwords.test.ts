import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { burnVerification, hashPassword, verifyPassword } from './passwords.ts';

describe('password hashing', () => {
  it('stores scrypt with its parameters, a 32-byte salt and a 64-byte key, never the password', async () => {
    const stored = await hashPassword('correct horse battery');
    const [alg, n, r, p, salt, key] = stored.split('$');
    assert.deepEqual([alg, n, r, p], ['scrypt', '32768', '8', '1']);
    assert.equal(Buffer.from(salt!, 'base64url').length, 32);
    assert.equal(Buffer.from(key!, 'base64url').length, 64);
    assert.ok(!stored.includes('correct horse'));
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');
    assert.equal(await verifyPassword('correct horse battery', stored), true);
    assert.equal(await verifyPassword('correct horse batterY', stored), false);
  });

  it('salts every hash, so the same password never stores the same string', async () => {
    assert.notEqual(await hashPassword('same password here'), await hashPassword('same password here'));
  });

  it('refuses stored strings it did not make, including absurd parameters, without throwing', async () => {
    for (const bad of ['', 'plain', 'bcrypt$1$2$3$4$5', 'scrypt$1048577$8$1$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'scrypt$4194304$8$1$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
      assert.equal(await verifyPassword('anything at all', bad), false, bad);
    }
  });

  it('treats a composed and a decomposed accent as the same password (NFC)', async () => {
    const stored = await hashPassword('caf\u00e9 au lait!!');
    assert.equal(await verifyPassword('cafe\u0301 au lait!!', stored), true);
  });

  it('burns a verification for unknown accounts and always answers false', async () => {
    assert.equal(await burnVerification('whatever password'), false);
  });
});
