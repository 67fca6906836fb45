/**
 * An access token signed with the appliance's real key (read out of the users service's
 * own database file, as a local attacker who could read it would) but with a lifetime
 * longer than `users.access_token_ttl_s` is refused everywhere a token is taken: REST,
 * the WebSocket stream (on the upgrade and in an `auth` message), SSE and OwnTracks.
 * The same key with the configured lifetime is accepted — so the refusal is the lifetime.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { importJWK, SignJWT, type JWK } from 'jose';
import { openDb } from '../../src/kit/index.ts';
import { WsClient } from '../support/ws-client.ts';
import { assertProblem, call } from '../support/http.ts';
import { signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

const TTL_S = 900;

describe('gateway: the lifetime of an access token is capped at users.access_token_ttl_s', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('gw-token-lifetime');
  let h: InProcessHearth;
  let alice: User;
  let sign: (claims: { iat?: number; exp?: number }) => Promise<string>;

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, (c) => void (c.users.access_token_ttl_s = TTL_S));
    alice = await signUp(h, 'Alice');
    // The key as it lies on disk: the users service's database, its signing_keys table.
    const file = readdirSync(dir).find((f) => /^users-\d+\.db$/.test(f))!;
    const db = await openDb({ path: join(dir, file) });
    const [row] = await db.query('SELECT kid, private_jwk FROM signing_keys WHERE retired_at IS NULL');
    db.close();
    const kid = String(row!.kid);
    const key = await importJWK(JSON.parse(String(row!.private_jwk)) as JWK, 'EdDSA');
    sign = (claims) => {
      const payload: Record<string, unknown> = { sub: alice.userId, sid: alice.sessionId, iss: 'https://hearth.test', aud: 'hearth', ...claims };
      for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
      return new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' }).sign(key);
    };
  });
  after(() => h?.stop());

  const now = () => Math.floor(Date.now() / 1000);
  const TOO_LONG: { name: string; claims: () => { iat?: number; exp?: number } }[] = [
    { name: 'a 10-hour lifetime', claims: () => ({ iat: now(), exp: now() + 10 * 3600 }) },
    { name: 'the TTL plus two minutes', claims: () => ({ iat: now(), exp: now() + TTL_S + 120 }) },
    { name: 'an iat ten hours ahead (a lifetime of TTL that starts later)', claims: () => ({ iat: now() + 10 * 3600, exp: now() + 10 * 3600 + TTL_S }) },
    { name: 'no iat', claims: () => ({ exp: now() + TTL_S }) },
    { name: 'no exp', claims: () => ({ iat: now() }) },
  ];

  it('accepts the real key with the configured lifetime (the baseline)', async () => {
    const token = await sign({ iat: now(), exp: now() + TTL_S });
    assert.equal((await call(h, 'GET', '/v1/me', { token })).status, 200);
  });

  for (const t of TOO_LONG) {
    it(`refuses ${t.name} on REST, WebSocket, SSE and OwnTracks`, async () => {
      const token = await sign(t.claims());
      assertProblem(await call(h, 'GET', '/v1/me', { token }), 401, 'gateway.invalid_token');
      assertProblem(await call(h, 'GET', '/v1/events', { token, headers: { accept: 'text/event-stream' } }), 401, 'gateway.invalid_token');
      assertProblem(await call(h, 'POST', '/v1/owntracks', { token, body: { _type: 'card' } }), 401, 'gateway.invalid_token');
      const ws = h.url.replace(/^http/, 'ws') + '/v1/stream';
      const upgraded = await WsClient.open(ws, token);
      assert.equal((await upgraded.closed).code, 4401, 'a bearer header on the upgrade');
      const later = await WsClient.open(ws);
      later.send({ type: 'auth', token });
      assert.equal((await later.closed).code, 4401, 'an auth message');
      assert.equal(later.inbox.filter((m) => m.type === 'ready').length, 0);
    });
  }
});
