/**
 * Signing in and access tokens: credentials (one answer for a wrong password and an
 * unknown email, in the same time), tokens checked against the published JWKS with every
 * claim, and signing-key rotation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { users } from '../../src/contracts/index.ts';
import { verifyAccessToken, rejectsWith, startUsers, type UsersHarness } from './support.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';
import { signInDirect, signUpDirect } from '../support/accounts.ts';

describe('users: sign-in and tokens', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('users-tokens');
  let h: UsersHarness;

  before(async () => {
    h = await startUsers(broker().url, dir, (c) => void (c.users.registration = 'open'));
  });
  after(() => h?.stop());

  const verify = (token: string) => verifyAccessToken(h, token);

  it('signs in with the right password and answers users.bad_credentials alike for a wrong password and an unknown email', async () => {
    const a = await signUpDirect(h, 'Alice');
    assert.equal(a.tokens.tokenType, 'Bearer');
    assert.equal(a.tokens.expiresIn, 900);
    await rejectsWith(h.call(users.Login, { email: a.email, password: 'not the password at all' }), 'users.bad_credentials', 'unauthorized');
    await rejectsWith(h.call(users.Login, { email: 'nobody@example.com', password: 'not the password at all' }), 'users.bad_credentials', 'unauthorized');
  });

  it('takes as long to refuse an unknown email as a wrong password (no account enumeration by timing)', async () => {
    const a = await signUpDirect(h, 'Timing');
    const time = async (email: string) => {
      const t = performance.now();
      await h.call(users.Login, { email, password: 'wrong wrong wrong' }).catch(() => undefined);
      return performance.now() - t;
    };
    await time('warmup@example.com');
    const known = [await time(a.email), await time(a.email), await time(a.email)].sort((x, y) => x - y)[1]!;
    const unknown = [await time('ghost@example.com'), await time('ghost@example.com'), await time('ghost@example.com')].sort((x, y) => x - y)[1]!;
    // Both run one scrypt (~tens of ms); without the dummy run the unknown email would answer in ~1 ms.
    assert.ok(unknown > known / 3, `unknown ${unknown.toFixed(1)} ms vs known ${known.toFixed(1)} ms`);
  });

  it('issues an EdDSA access token verifiable with the JWKS, carrying sub, sid, iss, aud, iat, exp and kid', async () => {
    const b = await signUpDirect(h, 'Bob');
    const { payload, protectedHeader } = await verify(b.tokens.accessToken);
    assert.equal(protectedHeader.alg, 'EdDSA');
    assert.equal(protectedHeader.typ, 'at+jwt');
    const jwks = await h.call(users.GetJwks, {});
    assert.equal(protectedHeader.kid, jwks.keys[0]!.kid);
    assert.deepEqual({ sub: payload.sub, sid: payload.sid, iss: payload.iss, aud: payload.aud }, { sub: b.userId, sid: b.sessionId, iss: 'https://hearth.test', aud: 'hearth' });
    assert.equal(payload.exp! - payload.iat!, 900);
    assert.ok(Math.abs(payload.iat! - Date.now() / 1000) < 5);
    assert.deepEqual(Object.keys(jwks.keys[0]!).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x'], 'only public parts are published');
  });

  it('answers users.unknown_user for an actor with no account', async () => {
    await rejectsWith(h.call(users.GetMe, { actor: { userId: '01900000-0000-7000-8000-000000000000' } }), 'users.unknown_user', 'unauthorized');
  });

  it('rotates signing keys (instance admin only); the old key stays in the JWKS until its tokens have expired', async () => {
    const [first] = await h.svc.db.query('SELECT id FROM users WHERE admin = 1');
    const admin = { userId: String(first!.id) };
    const j = await signUpDirect(h, 'Jo');
    await rejectsWith(h.call(users.RotateKeys, { actor: j.actor }), 'users.admin_only', 'forbidden');
    const oldKid = decodeProtectedHeader(j.tokens.accessToken).kid;
    const { kid } = await h.call(users.RotateKeys, { actor: admin });
    assert.notEqual(kid, oldKid);
    const after = await h.call(users.GetJwks, {});
    assert.deepEqual(after.keys.map((k) => k.kid), [kid, oldKid]);
    await verify(j.tokens.accessToken); // a token signed before the rotation still verifies
    const k = await signInDirect(h, j.email, j.password);
    assert.equal(decodeProtectedHeader(k.tokens.accessToken).kid, kid);
    try {
      h.clock.offset = 900_000 + 5 * 60_000 + 1000; // past the ttl and the margin
      assert.deepEqual((await h.call(users.GetJwks, {})).keys.map((x) => x.kid), [kid]);
    } finally {
      h.clock.offset = 0;
    }
  });
});
