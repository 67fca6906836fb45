/**
 * The users service goes away mid-test: its routes answer 503 problem+json with
 * Retry-After (fast, once the breaker is open), while the rest keeps working — health,
 * the cached key set, token checks and group authorisation from the read model — and
 * /readyz says who is missing. When users comes back, everything works again without the
 * client doing anything.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertProblem, call } from '../support/http.ts';
import { joinGroup, makeGroup, signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

describe('gateway: the users service is down', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('gw-outage');
  let h: InProcessHearth;
  let ann: User;
  let bo: User;
  let group: string;
  let otherGroup: string;

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    [ann, bo] = [await signUp(h, 'Ann'), await signUp(h, 'Bo')];
    group = await makeGroup(h, ann, 'Family');
    otherGroup = await makeGroup(h, bo, 'Elsewhere');
    await h.stopUsers();
  });
  after(() => h?.stop());

  it('answers its routes with 503 and Retry-After', async () => {
    for (const [method, path, body] of [
      ['GET', '/v1/me'],
      ['POST', '/v1/groups', { name: 'New' }],
      ['GET', `/v1/groups/${group}/members`],
    ] as const) {
      const a = await call(h, method, path, { token: ann.token, body });
      assertProblem(a, 503);
      assert.ok(Number(a.headers.get('retry-after')) >= 1, `${method} ${path}`);
    }
    assertProblem(await call(h, 'POST', '/v1/auth/login', { body: { email: ann.email, password: ann.password } }), 503);
  });

  it('fails fast once the breaker is open, and says so in /metrics', async () => {
    for (let i = 0; i < 6; i++) await call(h, 'GET', '/v1/me', { token: ann.token });
    const started = Date.now();
    assertProblem(await call(h, 'GET', '/v1/me', { token: ann.token }), 503, 'kit.circuit_open');
    assert.ok(Date.now() - started < 500);
    const metrics = (await call(h, 'GET', '/metrics')).text;
    assert.match(metrics, /hearth_breaker_state\{service="users"\} 2/);
  });

  it('keeps answering everything that does not need users', async () => {
    assert.equal((await call(h, 'GET', '/healthz')).status, 200);
    const keys = await call(h, 'GET', '/.well-known/jwks.json');
    assert.equal(keys.status, 200);
    assert.ok(keys.body.keys.length >= 1);
    assert.equal((await call(h, 'GET', '/v1/openapi.json')).status, 200);
    assertProblem(await call(h, 'GET', '/v1/me', { token: ann.token.slice(0, -4) + 'AAAA' }), 401);
    assertProblem(await call(h, 'GET', '/v1/me'), 401);
    // Authorisation comes from the read model: a non-member is refused without asking users.
    assertProblem(await call(h, 'GET', `/v1/groups/${otherGroup}/members`, { token: ann.token }), 404, 'membership.not_a_member');
  });

  it('is not ready, and names users', async () => {
    const ready = await call(h, 'GET', '/readyz');
    assertProblem(ready, 503, 'gateway.not_ready');
    assert.equal(ready.body.services.gateway.status, 'ok');
    assert.notEqual(ready.body.services.users.status, 'ok');
    assert.match(ready.body.detail, /users/);
  });

  it('works again when users is back, with no help from the client', async () => {
    await h.startUsers();
    await waitFor('GET /v1/me to answer', async () => (await call(h, 'GET', '/v1/me', { token: ann.token })).status === 200, 10_000);
    assert.equal((await call(h, 'GET', '/readyz')).status, 200);
    const created = await call(h, 'POST', '/v1/groups', { token: ann.token, body: { name: 'After' } });
    assert.equal(created.status, 201, created.text);
    await joinGroup(h, created.body.id, ann, bo);
    const members = await call(h, 'GET', `/v1/groups/${created.body.id}/members`, { token: bo.token });
    assert.equal(members.body.members.length, 2);
    assert.match((await call(h, 'GET', '/metrics')).text, /hearth_breaker_state\{service="users"\} 0/);
  });
});
