/**
 * `GET /v1/invites/{code}` through the real gateway and users service: what the
 * `/join/<code>` page shows before anyone registers. Table-driven: a working invite shows
 * its group and inviter; a revoked, used-up or unknown one answers the 404 that accepting
 * it would; a malformed code is a 400 that never reaches a service. No credentials are
 * needed, and the route shares the strict per-IP limit of sign-in (expiry is proven on
 * the users service's clock in tests/users/instance.int.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Subscription } from 'nats';
import { assertProblem, call, type Answer } from '../support/http.ts';
import { makeGroup, signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

const AUTH_LIMIT = 30;

interface World {
  h: InProcessHearth;
  ann: User;
  bo: User;
  group: string;
  codes: Record<'fresh' | 'revoked' | 'usedUp', string>;
  expiresAt: string;
}

interface Scenario {
  name: string;
  code: (w: World) => string;
  status: number;
  problem?: string;
  expect?: (a: Answer, w: World) => void;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'shows a working invite with its group and who made it',
    code: (w) => w.codes.fresh,
    status: 200,
    expect: (a, w) => {
      assert.deepEqual(a.body, { code: w.codes.fresh, groupId: w.group, groupName: 'Family', expiresAt: w.expiresAt, inviterName: 'Ann' });
      assert.equal(a.headers.get('cache-control'), 'no-store');
    },
  },
  { name: 'answers a revoked invite with users.invite_revoked', code: (w) => w.codes.revoked, status: 404, problem: 'users.invite_revoked' },
  { name: 'answers a used-up invite with users.invite_used_up', code: (w) => w.codes.usedUp, status: 404, problem: 'users.invite_used_up' },
  { name: 'answers an unknown code with users.invite_invalid', code: () => 'ZZZZZZZZZZZZZZZZZZZZZZ', status: 404, problem: 'users.invite_invalid' },
  {
    name: 'answers a code too short to be one with 400 naming params.code',
    code: () => 'short',
    status: 400,
    problem: 'gateway.invalid_request',
    expect: (a) => assert.deepEqual(a.body.errors.map((e: { path: string }) => e.path), ['params.code']),
  },
  { name: 'answers a code with characters no code has with 400', code: () => 'abc%24%7Bdef%7Dghij', status: 400, problem: 'gateway.invalid_request' },
];

describe('gateway: invite previews', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('gw-invite-preview');
  let w: World;

  before(async () => {
    const h = await startInProcessHearth(broker().url, dir, (c) => {
      c.gateway.auth_rate_per_minute = AUTH_LIMIT;
      c.gateway.trusted_proxies = '127.0.0.1'; // so the rate-limit test can speak as other clients
    });
    const [ann, bo] = [await signUp(h, 'Ann'), await signUp(h, 'Bo')];
    const group = await makeGroup(h, ann, 'Family');
    const invite = (body: object) => call(h, 'POST', `/v1/groups/${group}/invites`, { token: ann.token, body });
    const fresh = (await invite({ maxUses: 5 })).body;
    const revoked = (await invite({})).body.code;
    assert.equal((await call(h, 'DELETE', `/v1/groups/${group}/invites/${revoked}`, { token: ann.token })).status, 204);
    const usedUp = (await invite({ maxUses: 1 })).body.code;
    assert.equal((await call(h, 'POST', `/v1/invites/${usedUp}/accept`, { token: bo.token })).status, 200);
    w = { h, ann, bo, group, codes: { fresh: fresh.code, revoked, usedUp }, expiresAt: fresh.expiresAt };
  });
  after(() => w?.h.stop());

  for (const s of SCENARIOS) {
    it(s.name, async () => {
      // Without credentials, as the join page asks before anyone has an account.
      const a = await call(w.h, 'GET', `/v1/invites/${s.code(w)}`);
      if (s.problem) assertProblem(a, s.status, s.problem);
      else assert.equal(a.status, s.status, a.text);
      s.expect?.(a, w);
    });
  }

  it('asks no service about a malformed code, even while users is up', async () => {
    const seen: string[] = [];
    const sub: Subscription = w.h.nc.subscribe('svc.>', { callback: (_e, m) => void seen.push(m.subject) });
    await w.h.nc.flush();
    try {
      assertProblem(await call(w.h, 'GET', '/v1/invites/short'), 400, 'gateway.invalid_request');
      await w.h.nc.flush();
    } finally {
      sub.unsubscribe();
    }
    assert.deepEqual(seen, []);
  });

  it('leaves a previewed invite unused', async () => {
    const listed = (await call(w.h, 'GET', `/v1/groups/${w.group}/invites`, { token: w.ann.token })).body.invites.find((i: { code: string }) => i.code === w.codes.fresh);
    assert.equal(listed.uses, 0);
  });

  it('shares the strict per-IP limit of sign-in: past gateway.auth_rate_per_minute both answer 429', async () => {
    const as = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
    const preview = (ip: string) => call(w.h, 'GET', `/v1/invites/${w.codes.fresh}`, as(ip));
    // The bucket holds AUTH_LIMIT and earns one more every 60 s / AUTH_LIMIT while the test
    // runs: a slow machine may get a few more requests through, never more than it earned.
    const started = Date.now();
    const earnedBy = () => (Date.now() - started) / (60_000 / AUTH_LIMIT);
    for (let i = 0; i < AUTH_LIMIT - 1; i++) assert.equal((await preview('198.51.100.7')).status, 200, `preview ${i + 1}`);
    const login = await call(w.h, 'POST', '/v1/auth/login', { body: { email: w.ann.email, password: 'not the password' }, ...as('198.51.100.7') });
    assertProblem(login, 401, 'users.bad_credentials'); // the last token of the bucket
    let refused = await preview('198.51.100.7');
    let extra = 0;
    while (refused.status === 200 && extra <= AUTH_LIMIT) {
      extra++;
      refused = await preview('198.51.100.7');
    }
    assertProblem(refused, 429, 'gateway.rate_limited');
    assert.ok(extra <= earnedBy(), `${extra} previews past the limit, ${earnedBy().toFixed(2)} earned: sign-in does not share the bucket`);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    const again = await call(w.h, 'POST', '/v1/auth/login', { body: { email: w.ann.email, password: w.ann.password }, ...as('198.51.100.7') });
    if (again.status === 429) assertProblem(again, 429, 'gateway.rate_limited');
    else assert.ok(extra + 1 <= earnedBy(), `sign-in answered ${again.status} with the bucket empty`);
    assert.equal((await preview('198.51.100.8')).status, 200, 'another client has its own bucket');
    assert.equal((await call(w.h, 'GET', '/v1/instance', as('198.51.100.7'))).status, 200, 'routes without the strict limit are not held back');
  });
});
