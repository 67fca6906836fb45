/**
 * The cache of verified access tokens (token-cache.ts) through the Authenticator, on a real
 * key set and real signatures, with the clock the checks use moved by the test: a cached
 * token is honoured only until its `exp`, a revoked session or deleted account is refused at
 * once though its token is cached, a key withdrawn from the set stops vouching, and nothing
 * refused is ever cached.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { AppError, uuidv7 } from '../../kit/index.ts';
import { AppPasswordCache, Authenticator, JwksCache, VerifiedTokens } from './index.ts';

const ISSUER = 'https://hearth.test';
const TTL_S = 900;

async function newKey() {
  const kid = uuidv7();
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' } };
}

const mint = (key: { kid: string; privateKey: CryptoKey }, at: number, o: { sub?: string; sid?: string; lifetimeS?: number } = {}) =>
  new SignJWT({ sub: o.sub ?? uuidv7(), sid: o.sid ?? uuidv7(), iss: ISSUER, aud: 'hearth', iat: Math.floor(at / 1000), exp: Math.floor(at / 1000) + (o.lifetimeS ?? TTL_S) })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' })
    .sign(key.privateKey);

async function setup() {
  const keys = [await newKey()];
  const clock = { now: Date.now() };
  const revoked = new Set<string>();
  const deleted = new Set<string>();
  const jwks = new JwksCache(async () => ({ keys: keys.map((k) => k.jwk) }), { minRefetchMs: 0, now: () => clock.now });
  const auth = new Authenticator({
    jwks,
    issuer: ISSUER,
    revocations: { isRevoked: (s) => revoked.has(s), isDeleted: (u) => deleted.has(u) },
    ttlS: TTL_S,
    appPasswords: new AppPasswordCache(async () => ({ userId: uuidv7() })),
    limitMiss: () => undefined,
    now: () => clock.now,
  });
  return { keys, clock, revoked, deleted, jwks, auth };
}

const refusedWith = async (p: Promise<unknown>, code: string) => {
  await assert.rejects(p, (err: unknown) => err instanceof AppError && err.kind === 'unauthorized' && err.code === code);
};

describe('gateway: the cache of verified access tokens', () => {
  it('verifies a token once and answers its later requests from the cache', async () => {
    const s = await setup();
    const token = await mint(s.keys[0]!, s.clock.now);
    const first = await s.auth.token(token);
    assert.equal(s.auth.cachedTokens, 1);
    assert.deepEqual(await s.auth.token(token), first);
    assert.equal(s.auth.cachedTokens, 1);
  });

  it('refuses an expired token even though it is cached', async () => {
    const s = await setup();
    const token = await mint(s.keys[0]!, s.clock.now, { lifetimeS: 60 });
    const { expiresAt } = await s.auth.token(token);
    assert.equal(s.auth.cachedTokens, 1);
    s.clock.now = expiresAt + 31_000; // past exp and the clock tolerance of a full check
    await refusedWith(s.auth.token(token), 'gateway.invalid_token');
    assert.equal(s.auth.cachedTokens, 0, 'the expired entry is dropped');
  });

  it('past exp, within the clock tolerance, checks the token in full again as before the cache (and accepts it)', async () => {
    const s = await setup();
    const token = await mint(s.keys[0]!, s.clock.now, { lifetimeS: 60 });
    const { expiresAt } = await s.auth.token(token);
    s.clock.now = expiresAt + 1000;
    assert.equal((await s.auth.token(token)).expiresAt, expiresAt);
  });

  it('refuses a revoked session and a deleted account at once, cached or not', async () => {
    const s = await setup();
    const sid = uuidv7();
    const sub = uuidv7();
    const token = await mint(s.keys[0]!, s.clock.now, { sid, sub });
    await s.auth.token(token);
    s.revoked.add(sid);
    await refusedWith(s.auth.token(token), 'gateway.session_revoked');
    s.revoked.delete(sid);
    s.deleted.add(sub);
    await refusedWith(s.auth.token(token), 'gateway.invalid_token');
    assert.equal(s.auth.cachedTokens, 1, 'the refusals came from the revocation checks, not from a miss');
  });

  it('stops honouring a cached token once its key leaves the key set', async () => {
    const s = await setup();
    const token = await mint(s.keys[0]!, s.clock.now);
    await s.auth.token(token);
    s.keys.splice(0, 1, await newKey());
    await s.jwks.refresh();
    await refusedWith(s.auth.token(token), 'gateway.unknown_key');
    assert.equal(s.auth.cachedTokens, 0);
  });

  it('never caches a forged or refused token, and a cached token does not vouch for a look-alike', async () => {
    const s = await setup();
    const good = await mint(s.keys[0]!, s.clock.now);
    const [head, payload, sig] = good.split('.') as [string, string, string];
    const other = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = `${head}.${Buffer.from(JSON.stringify({ ...other, sub: uuidv7() })).toString('base64url')}.${sig}`;
    const foreign = await mint({ ...(await newKey()), kid: s.keys[0]!.kid }, s.clock.now); // another key under a known kid
    const expired = await mint(s.keys[0]!, s.clock.now - 2 * TTL_S * 1000);
    for (const bad of [forged, foreign, expired, `${good}x`, good.slice(0, -2)]) {
      await refusedWith(s.auth.token(bad), 'gateway.invalid_token');
      await refusedWith(s.auth.token(bad), 'gateway.invalid_token');
    }
    assert.equal(s.auth.cachedTokens, 0);
    await s.auth.token(good);
    await refusedWith(s.auth.token(forged), 'gateway.invalid_token');
    assert.equal(s.auth.cachedTokens, 1);
  });

  it('keeps at most its bound, dropping the oldest', () => {
    const cache = new VerifiedTokens(2);
    const facts = (n: number) => ({ userId: `u${n}`, sessionId: `s${n}`, expiresAt: Date.now() + 60_000, kid: 'k', key: {} as CryptoKey });
    cache.add('a', facts(1), Date.now());
    cache.add('b', facts(2), Date.now());
    cache.add('c', facts(3), Date.now());
    assert.equal(cache.size, 2);
    assert.equal(cache.get('a', Date.now()), undefined);
    assert.equal(cache.get('c', Date.now())?.userId, 'u3');
  });
});
