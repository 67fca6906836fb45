/**
 * Everything under /v1/notifications is the caller's own: another user's targets, their
 * delivery logs and their notifications cannot be read, tested or deleted by any route;
 * a member of another group is told nothing of this one; and bad queries and bodies are
 * refused with the field at fault.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertProblem, call } from '../support/http.ts';
import { makeGroup, signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { inbox, notifiedFamily, waitInbox } from './support.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

describe('notifications: isolation and bad input', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('notif-isolation');
  let h: InProcessHearth;
  let ann: User;
  let bo: User;
  let di: User;
  let group: string;
  let annTarget: string;

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    ({ users: [ann, bo], group } = await notifiedFamily(h, ['Ann', 'Bo']));
    di = await signUp(h, 'Di');
    await makeGroup(h, di, 'Elsewhere');
    const t = await call(h, 'POST', '/v1/notifications/targets', { token: ann.token, body: { kind: 'webhook', url: 'http://127.0.0.1:9/ann', label: 'Ann\u2019s hook' } });
    assert.equal(t.status, 201, t.text);
    annTarget = t.body.target.id;
  });
  after(() => h?.stop());

  it('shows a webhook secret once, at creation, and never again', async () => {
    const t = await call(h, 'POST', '/v1/notifications/targets', { token: bo.token, body: { kind: 'webhook', url: 'https://hooks.example.home/x', secret: 'a-secret-of-sixteen+' } });
    assert.equal(t.status, 201, t.text);
    assert.equal(t.body.secret, 'a-secret-of-sixteen+');
    assert.equal(t.body.target.hasSecret, true);
    const generated = await call(h, 'POST', '/v1/notifications/targets', { token: bo.token, body: { kind: 'webhook', url: 'https://hooks.example.home/y' } });
    assert.match(generated.body.secret, /^[A-Za-z0-9_-]{43}$/);
    const list = await call(h, 'GET', '/v1/notifications/targets', { token: bo.token });
    assert.equal(list.body.targets.length, 2);
    assert.ok(!list.text.includes('a-secret-of-sixteen+') && !list.text.includes(generated.body.secret), list.text);
    for (const x of list.body.targets) assert.equal((await call(h, 'DELETE', `/v1/notifications/targets/${x.id}`, { token: bo.token })).status, 204);
    assert.deepEqual((await call(h, 'GET', '/v1/notifications/targets', { token: bo.token })).body.targets, []);
  });

  it('keeps each user\u2019s targets and delivery logs their own', async () => {
    assert.deepEqual((await call(h, 'GET', '/v1/notifications/targets', { token: bo.token })).body.targets, []);
    assertProblem(await call(h, 'POST', `/v1/notifications/targets/${annTarget}/test`, { token: bo.token }), 404, 'notifications.no_target');
    assertProblem(await call(h, 'GET', `/v1/notifications/targets/${annTarget}/deliveries`, { token: bo.token }), 404, 'notifications.no_target');
    assert.equal((await call(h, 'DELETE', `/v1/notifications/targets/${annTarget}`, { token: bo.token })).status, 204, 'deleting what is not yours is a no-op');
    assert.equal((await call(h, 'GET', '/v1/notifications/targets', { token: ann.token })).body.targets.length, 1, 'Ann\u2019s target is still there');
    assertProblem(await call(h, 'GET', '/v1/notifications/targets'), 401);
    assertProblem(await call(h, 'GET', '/v1/notifications'), 401);
  });

  it('tells a member of another group nothing of this one', async () => {
    assert.equal((await call(h, 'POST', `/v1/groups/${group}/sos`, { token: ann.token, body: {} })).status, 201);
    await waitInbox(h, bo, 1, (x) => x.type === 'sos_raised');
    assert.deepEqual((await inbox(h, di)).items, []);
    assert.equal((await call(h, 'DELETE', `/v1/groups/${group}/sos`, { token: ann.token })).status, 200);
  });

  it('allows at most five targets', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await call(h, 'POST', '/v1/notifications/targets', { token: di.token, body: { kind: 'ntfy', url: `https://ntfy.sh/di-${i}` } })).status, 201);
    assertProblem(await call(h, 'POST', '/v1/notifications/targets', { token: di.token, body: { kind: 'ntfy', url: 'https://ntfy.sh/di-6' } }), 409, 'notifications.too_many_targets');
  });

  it('refuses bad queries and bodies with the field at fault', async () => {
    const bad: [string, string, unknown, string][] = [
      ['GET', '/v1/notifications?since=yesterday', undefined, 'query.since'],
      ['GET', `/v1/notifications?since=${annTarget}&before=${annTarget}`, undefined, 'query.before'],
      ['GET', '/v1/notifications?limit=0', undefined, 'query.limit'],
      ['GET', '/v1/notifications?limit=101', undefined, 'query.limit'],
      ['GET', '/v1/notifications?unread=yes', undefined, 'query.unread'],
      ['POST', '/v1/notifications/read', {}, 'body'],
      ['POST', '/v1/notifications/read', { ids: [] }, 'body.ids'],
      ['POST', '/v1/notifications/read', { all: true, upTo: annTarget }, 'body'],
      ['POST', '/v1/notifications/read', { all: false }, 'body.all'],
      ['POST', '/v1/notifications/targets', { kind: 'ntfy', url: 'ftp://ntfy.sh/x' }, 'body.url'],
      // ntfy takes user:pw@ (as Basic auth: ntfy-links.int.test.ts); a webhook does not.
      ['POST', '/v1/notifications/targets', { kind: 'webhook', url: 'https://user:pw@x.home/h' }, 'body.url'],
      ['POST', '/v1/notifications/targets', { kind: 'ntfy', url: 'not a url' }, 'body.url'],
      ['POST', '/v1/notifications/targets', { kind: 'sms', url: 'https://ntfy.sh/x' }, 'body.kind'],
      ['POST', '/v1/notifications/targets', { kind: 'webhook', url: 'https://x.home/h', secret: 'short' }, 'body.secret'],
      ['POST', '/v1/notifications/targets', { kind: 'ntfy', url: 'https://ntfy.sh/x', secret: 'a-secret-of-sixteen+' }, 'body.secret'],
      ['POST', '/v1/notifications/targets', { kind: 'ntfy', url: 'https://ntfy.sh/x', label: 'x'.repeat(81) }, 'body.label'],
    ];
    for (const [method, path, body, field] of bad) {
      const r = await call(h, method, path, { token: bo.token, body });
      assertProblem(r, 400);
      assert.ok(r.body.errors?.some((e: { path: string }) => e.path === field), `${method} ${path} ${JSON.stringify(body)} → ${r.text}`);
    }
    assert.deepEqual((await call(h, 'GET', '/v1/notifications/targets', { token: bo.token })).body.targets, [], 'nothing was made');
  });
});
