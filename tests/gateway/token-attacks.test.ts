/**
 * Forged and stale access tokens, through `app.request()`: the gateway holds the users
 * service's public keys (here the test's own), and every token that is not an EdDSA JWT
 * from one of them, for this issuer and audience, current, of type at+jwt, with id claims,
 * of a live session, is a 401 — without asking the users service anything but the key set.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { uuidv7 } from '../../src/kit/index.ts';
import { ISSUER, mint, newKey, pureGateway, signRaw, type Pure, type TestKey } from './pure.ts';
import { useTempDir } from '../support/test-file.ts';

const b64 = (x: unknown) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');
const parts = (t: string) => t.split('.') as [string, string, string];
const decodePart = (p: string) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));

const USER = uuidv7();
const PROFILE = { id: USER, email: 'a@example.com', displayName: 'A', avatar: null, admin: false, createdAt: '2026-01-01T00:00:00.000Z' };

describe('gateway: token attacks', () => {
  const dir = useTempDir('gw-tokens');
  let g: Pure;
  let key: TestKey;

  before(async () => {
    g = await pureGateway(dir);
    key = g.keys[0]!;
    g.answers['svc.users.me'] = () => PROFILE;
  });
  after(() => g?.close());

  const me = (token: string) => g.request('/v1/me', { headers: { authorization: `Bearer ${token}` } });

  it('accepts a well-formed token (the baseline the attacks differ from)', async () => {
    const res = await me(await mint(key, { sub: USER }));
    assert.equal(res.status, 200, await res.text());
  });

  const ATTACKS: { name: string; token: () => Promise<string> }[] = [
    {
      name: 'alg none',
      token: async () => {
        const [, payload] = parts(await mint(key, { sub: USER }));
        return `${b64({ alg: 'none', typ: 'at+jwt', kid: key.kid })}.${payload}.`;
      },
    },
    {
      name: 'alg none with a dummy signature',
      token: async () => {
        const [, payload] = parts(await mint(key, { sub: USER }));
        return `${b64({ alg: 'none', typ: 'at+jwt', kid: key.kid })}.${payload}.${b64('x')}`;
      },
    },
    {
      name: 'HS256 keyed with the public key',
      token: async () => {
        const [, payload] = parts(await mint(key, { sub: USER }));
        const head = b64({ alg: 'HS256', typ: 'at+jwt', kid: key.kid });
        const secret = JSON.stringify(key.jwk);
        const sig = createHmac('sha256', secret).update(`${head}.${payload}`).digest('base64url');
        return `${head}.${payload}.${sig}`;
      },
    },
    { name: 'signed with another key under a known kid', token: async () => mint({ ...(await newKey()), kid: key.kid }, { sub: USER }) },
    { name: 'signed with an unknown kid', token: async () => mint(await newKey(), { sub: USER }) },
    { name: 'no kid', token: async () => mint(key, { sub: USER, header: { kid: undefined } }) },
    { name: 'expired', token: () => mint(key, { sub: USER, expiresIn: -120 }) },
    {
      name: 'tampered payload (another subject)',
      token: async () => {
        const [head, payload, sig] = parts(await mint(key, { sub: USER }));
        return `${head}.${b64({ ...decodePart(payload), sub: uuidv7() })}.${sig}`;
      },
    },
    {
      name: 'tampered header (typ changed)',
      token: async () => {
        const [head, payload, sig] = parts(await mint(key, { sub: USER }));
        return `${b64({ ...decodePart(head), typ: 'JWT' })}.${payload}.${sig}`;
      },
    },
    { name: 'another issuer', token: () => mint(key, { sub: USER, claims: { iss: 'https://evil.example' } }) },
    { name: 'another audience', token: () => mint(key, { sub: USER, claims: { aud: 'other-app' } }) },
    { name: 'wrong typ (an ID token, say)', token: () => mint(key, { sub: USER, header: { typ: 'JWT' } }) },
    { name: 'no sid', token: () => mint(key, { sub: USER, claims: { sid: undefined } }) },
    { name: 'a subject that is not an id', token: () => mint(key, { sub: '../../admin' }) },
    {
      name: 'a crit header',
      token: async () => {
        const now = Math.floor(Date.now() / 1000);
        const payload = { sub: USER, sid: uuidv7(), iss: ISSUER, aud: 'hearth', iat: now, exp: now + 600, 'x-must': 1 };
        return signRaw(key, { alg: 'EdDSA', typ: 'at+jwt', kid: key.kid, crit: ['x-must'], 'x-must': true }, payload);
      },
    },
    {
      name: 'a correctly signed token with alg Ed25519 (only EdDSA is accepted)',
      token: async () => {
        const now = Math.floor(Date.now() / 1000);
        return signRaw(key, { alg: 'Ed25519', typ: 'at+jwt', kid: key.kid }, { sub: USER, sid: uuidv7(), iss: ISSUER, aud: 'hearth', iat: now, exp: now + 600 });
      },
    },
    { name: 'a 10-hour lifetime (users.access_token_ttl_s is 900)', token: () => mint(key, { sub: USER, expiresIn: 10 * 3600 }) },
    { name: 'a lifetime of the TTL plus more than the clock tolerance', token: () => mint(key, { sub: USER, expiresIn: 900 + 60 }) },
    {
      name: 'an iat far ahead (the TTL, but starting in ten hours)',
      token: () => {
        const later = Math.floor(Date.now() / 1000) + 10 * 3600;
        return mint(key, { sub: USER, claims: { iat: later, exp: later + 900 } });
      },
    },
    { name: 'no iat', token: () => mint(key, { sub: USER, claims: { iat: undefined } }) },
    { name: 'no exp', token: () => mint(key, { sub: USER, claims: { exp: undefined } }) },
    { name: 'garbage', token: async () => 'not.a.token' },
    { name: 'a huge token', token: async () => `${'a'.repeat(5000)}.b.c` },
  ];

  for (const a of ATTACKS) {
    it(`refuses ${a.name} with 401`, async () => {
      const res = await me(await a.token());
      assert.equal(res.status, 401, await res.clone().text());
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
      const body = await res.json();
      assert.ok(!JSON.stringify(body).includes(PROFILE.email), 'nothing of the account leaks');
    });
  }

  it('refuses a token of a revoked session, and of a deleted account', async () => {
    const sid = uuidv7();
    const token = await mint(key, { sub: USER, sid });
    assert.equal((await me(token)).status, 200);
    await g.feed({ type: 'session.revoked', data: { userId: USER, sessionId: sid, reason: 'logout' } });
    const revoked = await me(token);
    assert.equal(revoked.status, 401);
    assert.equal((await revoked.json()).code, 'gateway.session_revoked');

    const gone = uuidv7();
    const goneToken = await mint(key, { sub: gone });
    await g.feed({ type: 'user.deleted', data: { userId: gone } });
    assert.equal((await me(goneToken)).status, 401);
  });

  it('fetches the key set again for an unknown kid, but at most once per interval', async () => {
    const rotated = await newKey();
    const token = await mint(rotated, { sub: USER });
    const before = g.calls.filter((s) => s === 'svc.users.jwks').length;
    g.keys.push(rotated);
    g.clock.offset += 10_000; // past the minimum interval since the last fetch
    assert.equal((await me(token)).status, 200, 'a rotated key is picked up');
    const fetched = g.calls.filter((s) => s === 'svc.users.jwks').length;
    assert.equal(fetched, before + 1);
    for (let i = 0; i < 5; i++) assert.equal((await me(await mint(await newKey(), { sub: USER }))).status, 401);
    assert.equal(g.calls.filter((s) => s === 'svc.users.jwks').length, fetched, 'made-up kids do not each cost a fetch');
  });

  it('keeps verifying with the cached keys while the users service is down', async () => {
    const jwks = g.answers['svc.users.jwks']!;
    delete g.answers['svc.users.jwks'];
    try {
      const res = await g.request('/v1/groups/' + uuidv7() + '/members', { headers: { authorization: `Bearer ${await mint(key, { sub: USER })}` } });
      assert.equal(res.status, 404, 'authenticated (then not a member), not 401 or 503');
      const keys = await g.request('/.well-known/jwks.json');
      assert.equal(keys.status, 200);
      assert.deepEqual((await keys.json()).keys.map((k: { kid: string }) => k.kid).sort(), g.keys.map((k) => k.kid).sort());
    } finally {
      g.answers['svc.users.jwks'] = jwks;
    }
  });
});
