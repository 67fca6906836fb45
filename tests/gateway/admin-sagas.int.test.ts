/**
 * `GET /v1/admin/sagas` and `GET /v1/admin/sagas/{id}` through the real stack: the instance
 * admin sees every service's sagas merged (each named with its service), nobody else sees
 * any, and bad filters are 400 problems.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uuidv7 } from '../../src/kit/index.ts';
import { assertProblem, call } from '../support/http.ts';
import { makeGroup, signUp, type User } from '../support/accounts.ts';
import { waitFor } from '../support/poll.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

describe('gateway: the admin’s sagas', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('gw-sagas');
  let h: InProcessHearth;
  let admin: User;
  let bo: User;

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    [admin, bo] = [await signUp(h, 'Ann'), await signUp(h, 'Bo')];
  });
  after(() => h?.stop());

  it('lists every service’s sagas for the instance admin, and says which services answered', async () => {
    const a = await call(h, 'GET', '/v1/admin/sagas', { token: admin.token });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.ok(Array.isArray(a.body.sagas));
    assert.deepEqual(a.body.unavailable, []);
    assert.equal(a.headers.get('cache-control'), 'no-store');
  });

  it('shows a group’s deletion, from the service that orchestrates it, until it has completed', async () => {
    const groupId = await makeGroup(h, bo, 'Bo’s lot');
    const started = await call(h, 'DELETE', `/v1/groups/${groupId}`, { token: bo.token });
    assert.equal(started.status, 202, started.text);
    const { sagaId } = started.body;
    const listed = await waitFor('the completed deletion in the list', async () => {
      const a = await call(h, 'GET', '/v1/admin/sagas?type=delete_group', { token: admin.token });
      const s = a.body.sagas.find((x: { id: string }) => x.id === sagaId);
      return s?.state === 'completed' && s;
    }, 30_000);
    assert.equal(listed.service, 'users');
    assert.equal(listed.key, `group:${groupId}`);
    assert.ok(listed.steps.every((x: { status: string }) => x.status === 'done'), JSON.stringify(listed.steps));
    assert.ok(!JSON.stringify(listed).includes('Bo’s lot'), 'no names: ids only');
    const one = await call(h, 'GET', `/v1/admin/sagas/${sagaId}`, { token: admin.token });
    assert.deepEqual([one.status, one.body.id, one.body.service], [200, sagaId, 'users']);
    const none = await call(h, 'GET', '/v1/admin/sagas?state=running&type=delete_group', { token: admin.token });
    assert.deepEqual(none.body.sagas, []);
  });

  it('refuses everyone else', async () => {
    assertProblem(await call(h, 'GET', '/v1/admin/sagas', { token: bo.token }), 403, 'users.admin_only');
    assertProblem(await call(h, 'GET', `/v1/admin/sagas/${uuidv7()}`, { token: bo.token }), 403, 'users.admin_only');
    assertProblem(await call(h, 'GET', '/v1/admin/sagas'), 401);
  });

  it('answers bad filters and ids with 400, an unknown saga with 404', async () => {
    for (const q of ['state=done', 'limit=0', 'limit=201', 'limit=x', 'type=Bad%20Type', 'before=nope']) {
      assertProblem(await call(h, 'GET', `/v1/admin/sagas?${q}`, { token: admin.token }), 400, 'gateway.invalid_request');
    }
    assertProblem(await call(h, 'GET', '/v1/admin/sagas/not-an-id', { token: admin.token }), 400, 'gateway.invalid_request');
    assertProblem(await call(h, 'GET', `/v1/admin/sagas/${uuidv7()}`, { token: admin.token }), 404, 'kit.no_such_saga');
  });
});
