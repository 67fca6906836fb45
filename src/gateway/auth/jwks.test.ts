import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { AppError } from '../../kit/index.ts';
import { JwksCache } from './jwks.ts';

async function jwk(kid: string): Promise<Record<string, unknown>> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig', d: (await exportJWK(privateKey)).d };
}

describe('JwksCache', () => {
  it('fetches once, finds keys by kid, and publishes only public members', async () => {
    let fetches = 0;
    const keys = [await jwk('a')];
    const cache = new JwksCache(async () => (fetches++, { keys }));
    await cache.key('a');
    await cache.key('a');
    assert.equal(fetches, 1);
    assert.deepEqual(Object.keys((await cache.published()).keys[0]!).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x']);
  });

  it('refetches for an unknown kid at most once per interval', async () => {
    let now = 0;
    let fetches = 0;
    const keys = [await jwk('a')];
    const cache = new JwksCache(async () => (fetches++, { keys: [...keys] }), { minRefetchMs: 5000, now: () => now });
    await cache.key('a');
    keys.push(await jwk('b'));
    await assert.rejects(cache.key('b'), (e: AppError) => e.code === 'gateway.unknown_key');
    assert.equal(fetches, 1);
    now += 5000;
    await cache.key('b');
    assert.equal(fetches, 2);
  });

  it('skips keys that are not Ed25519 signing keys', async () => {
    const cache = new JwksCache(async () => ({ keys: [{ kty: 'RSA', kid: 'r', n: 'x', e: 'AQAB' }, { ...(await jwk('h')), alg: 'HS256' }] }));
    assert.deepEqual((await cache.published()).keys, []);
  });

  it('keeps the old set while a background refresh fails', async () => {
    let now = 0;
    let down = false;
    const keys = [await jwk('a')];
    const cache = new JwksCache(async () => {
      if (down) throw new AppError('unavailable', 'kit.no_responders', 'down');
      return { keys };
    }, { maxAgeMs: 1000, now: () => now });
    await cache.key('a');
    down = true;
    now += 2000;
    await cache.key('a');
    await cache.key('a');
  });
});
