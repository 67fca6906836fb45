/**
 * Deleting a group (docs/sagas.md, "Deleting a group") through one spawned appliance
 * (`hearth serve`, every service a child process): the refusals; the happy path (202, the
 * group closed at once, the owner following it to `completed`); each participant frozen at
 * its step and SIGKILLed there (chat also stays frozen longer than a request's timeout once,
 * then resumes); the orchestrator (users) SIGKILLed while the saga waits on a participant;
 * and, after a clean stop, no file of the data directory holds a deleted group's name or its
 * messages' text, and each participant recorded each step of each deletion once. Backups are off here (`backup.schedule ""`): a scheduled backup keeps old
 * data until retention prunes it (docs/sagas.md).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDb } from '../../src/kit/index.ts';
import { serveAppliance, type Served } from '../support/appliance.ts';
import { joinGroup, makeGroup, signUp, type User } from '../support/accounts.ts';
import { knownToLocation } from '../support/family.ts';
import { assertProblem, call, getJson } from '../support/http.ts';
import { freePort } from '../support/net.ts';
import { waitFor } from '../support/poll.ts';
import { describeFound, findInFiles } from '../support/scrub.ts';
import { multiProcessOnly } from '../support/one-process.ts';

type Svc = 'users' | 'chat' | 'location' | 'notifications' | 'gateway';

describe('deleting a group (the group-deletion saga)', { timeout: 300_000, skip: multiProcessOnly('it freezes the chat child (SIGSTOP) and SIGKILLs single service children') }, () => {
  let app: Served;
  let ann: User;
  let bo: User;
  const secrets: string[] = []; // every deleted group's name and message texts
  let n = 0;

  before(async () => {
    const port = await freePort(); // the gateway comes back on the same address after a kill
    app = await serveAppliance('users { registration: "open" }\nbackup { schedule: "" }', { http: `127.0.0.1:${port}` });
    ann = await signUp(app, 'Ann');
    bo = await signUp(app, 'Bo');
  });
  after(async () => {
    await app?.hearth.stop('SIGKILL');
  });

  const pidOf = async (svc: Svc): Promise<number> => (await getJson(`${app.url}/readyz`)).body.services[svc].pid as number;
  const status = async (group: string, who = ann) => {
    const r = await call(app, 'GET', `/v1/groups/${group}/deletion`, { token: who.token }).catch(() => undefined);
    return r?.status === 200 ? r.body : undefined;
  };
  const completed = (group: string) =>
    waitFor(`the deletion of ${group} to complete`, async () => ((await status(group))?.status === 'completed' ? status(group) : undefined), 60_000);
  const atStep = (group: string, step: string) => waitFor(`the deletion at ${step}`, async () => (await status(group))?.step === step || undefined, 30_000);

  /** A group of Ann's with Bo in it, a message each, a place and a fix; its name and texts go into `secrets`. */
  async function groupWithData(): Promise<string> {
    const i = ++n;
    const name = `Lighthouse Keepers ${i}`;
    const texts = [`the spare key is under the blue flowerpot ${i}`, `meet at the old boathouse at seven ${i}`];
    secrets.push(name, ...texts);
    const group = await makeGroup(app, ann, name);
    await joinGroup(app, group, ann, bo);
    await knownToLocation(app, group, bo, ann);
    for (const [who, text] of [[ann, texts[0]], [bo, texts[1]]] as const) {
      const r = await call(app, 'POST', `/v1/groups/${group}/messages`, { token: who.token, body: { text, txnId: `t-${i}-${who.name}` }, headers: { 'idempotency-key': `k-${i}-${who.name}` } });
      assert.equal(r.status, 201, r.text);
    }
    const place = await call(app, 'POST', `/v1/groups/${group}/places`, { token: ann.token, body: { name: `Harbour ${i}`, lat: 50.1, lon: -5.5, radius: 100 } });
    assert.equal(place.status, 201, place.text);
    const fix = await call(app, 'POST', '/v1/locations', { token: bo.token, body: { lat: 50.1 + i / 1000, lon: -5.5, timestamp: new Date().toISOString(), accuracy: 5 } });
    assert.equal(fix.status, 200, fix.text);
    return group;
  }

  let deleted = 0;
  async function startDeletion(group: string): Promise<string> {
    deleted++;
    const r = await call(app, 'DELETE', `/v1/groups/${group}`, { token: ann.token });
    assert.equal(r.status, 202, r.text);
    assert.equal(r.body.status, 'running');
    assert.equal(typeof r.body.sagaId, 'string');
    return r.body.sagaId as string;
  }

  function assertDone(view: { steps: { name: string; status: string; attempts: number }[] }): void {
    assert.deepEqual(
      view.steps.map((s) => [s.name, s.status]),
      ['notify_members', 'erase_chat', 'erase_location', 'erase_notifications', 'erase_gateway', 'delete_group'].map((s) => [s, 'done']),
    );
  }

  it('refuses bad input, a member who is not the owner (403) and an unknown group (404)', async () => {
    const group = await makeGroup(app, ann, 'Refusals');
    await joinGroup(app, group, ann, bo);
    assertProblem(await call(app, 'DELETE', '/v1/groups/not-a-uuid', { token: ann.token }), 400);
    assertProblem(await call(app, 'GET', '/v1/groups/not-a-uuid/deletion', { token: ann.token }), 400);
    assertProblem(await call(app, 'DELETE', `/v1/groups/${group}`, { token: bo.token }), 403);
    assertProblem(await call(app, 'DELETE', '/v1/groups/0190a7c2-0000-7000-8000-000000000000', { token: ann.token }), 404);
    assertProblem(await call(app, 'DELETE', `/v1/groups/${group}`), 401);
    // Nobody has deleted it: there is no deletion to follow.
    assertProblem(await call(app, 'GET', `/v1/groups/${group}/deletion`, { token: ann.token }), 404, 'users.no_group_deletion');
  });

  it('answers 202, closes the group at once, tells the members, erases everywhere and completes', async () => {
    const group = await groupWithData();
    const invite = await call(app, 'POST', `/v1/groups/${group}/invites`, { token: ann.token, body: {} });
    const cy = await signUp(app, 'Cy');
    const sagaId = await startDeletion(group);
    // A message sent right after: refused, or accepted before chat's step and erased by it (the scrub looks for it).
    const late = 'sent while the group was being deleted';
    secrets.push(late);
    const sent = await call(app, 'POST', `/v1/groups/${group}/messages`, { token: bo.token, body: { text: late, txnId: 'in-between' } });
    assert.ok([201, 404].includes(sent.status), sent.text);
    // Asked again while it runs: the same saga.
    const again = await call(app, 'DELETE', `/v1/groups/${group}`, { token: ann.token });
    if (again.status === 202) assert.equal(again.body.sagaId, sagaId);
    // Closed at once in users: no invite works, it is nobody's group any more.
    assertProblem(await call(app, 'POST', `/v1/invites/${invite.body.code}/accept`, { token: cy.token }), 404);
    assert.equal((await call(app, 'GET', '/v1/groups', { token: bo.token })).body.groups.some((g: { id: string }) => g.id === group), false);
    // Only the owner who started it follows it.
    assertProblem(await call(app, 'GET', `/v1/groups/${group}/deletion`, { token: bo.token }), 404, 'users.no_group_deletion');
    const done = await completed(group);
    assert.equal(done.sagaId, sagaId);
    assertDone(done);
    assert.equal(done.finishedAt !== null, true);
    // Gone in every service: the members cannot reach it.
    await waitFor('the gateway to forget the group', async () => (await call(app, 'GET', `/v1/groups/${group}/messages`, { token: bo.token })).status === 404 || undefined);
    assertProblem(await call(app, 'POST', `/v1/groups/${group}/messages`, { token: bo.token, body: { text: 'too late', txnId: 'late' } }), 404);
    assertProblem(await call(app, 'DELETE', `/v1/groups/${group}`, { token: ann.token }), 404);
  });

  it('waits for chat frozen longer than a request timeout (the members already told), then completes', async () => {
    const group = await groupWithData();
    const pid = await pidOf('chat');
    process.kill(pid, 'SIGSTOP');
    try {
      await startDeletion(group);
      await atStep(group, 'erase_chat');
      // Told before anything was erased: Bo's notice names the group.
      const inbox = await call(app, 'GET', '/v1/notifications', { token: bo.token });
      const notices = inbox.body.items.filter((x: { type: string; groupId: string }) => x.type === 'group_deleted' && x.groupId === group);
      assert.equal(notices.length, 1, `Bo was told once: ${inbox.text}`);
      const notice = notices[0];
      assert.match(notice.title, new RegExp(secrets[secrets.length - 3]!));
      await waitFor('a second attempt at chat', async () => ((await status(group))?.steps[1].attempts ?? 0) >= 2 || undefined, 30_000);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    assertDone(await completed(group));
    assert.equal((await call(app, 'GET', '/v1/notifications', { token: bo.token })).body.items.some((x: { groupId: string }) => x.groupId === group), false, 'the notice went with the group');
  });

  for (const [svc, step] of [['chat', 'erase_chat'], ['location', 'erase_location'], ['notifications', 'notify_members']] as const) {
    it(`completes when ${svc} is SIGKILLed at its step`, async () => {
      const group = await groupWithData();
      const pid = await pidOf(svc);
      process.kill(pid, 'SIGSTOP');
      try {
        await startDeletion(group);
        await atStep(group, step);
      } finally {
        process.kill(pid, 'SIGKILL');
      }
      assertDone(await completed(group));
      assert.notEqual(await pidOf(svc), pid, `${svc} was restarted`);
    });
  }

  it('completes when the gateway is SIGKILLed at its step', async () => {
    const group = await groupWithData();
    const pid = await pidOf('gateway');
    await startDeletion(group);
    // Frozen at once: the four steps before its own take longer than this answer took to arrive.
    process.kill(pid, 'SIGSTOP');
    try {
      // The gateway cannot be asked how far the saga got while it is frozen: give it the time
      // the steps before the gateway's take (each a round trip; no waitFor can see them from here).
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      process.kill(pid, 'SIGKILL');
    }
    const done = await completed(group);
    assertDone(done);
    assert.notEqual(await pidOf('gateway'), pid, 'the gateway was restarted');
  });

  it('completes when users, the orchestrator, is SIGKILLed while a step is in flight', async () => {
    const group = await groupWithData();
    const loc = await pidOf('location');
    const usersPid = await pidOf('users');
    process.kill(loc, 'SIGSTOP');
    try {
      await startDeletion(group);
      await atStep(group, 'erase_location');
      process.kill(usersPid, 'SIGKILL');
    } finally {
      process.kill(loc, 'SIGCONT');
    }
    await waitFor('users to come back', async () => ((await pidOf('users').catch(() => usersPid)) !== usersPid) || undefined, 30_000);
    assertDone(await completed(group));
  });

  it('leaves no file of the data directory holding a deleted group’s name or messages after a clean stop', async () => {
    assert.equal(await app.hearth.stop('SIGTERM'), 0);
    const found = findInFiles(app.data, secrets);
    assert.deepEqual(found, [], describeFound(found));
    // Each step of each deletion was applied once: one record per (saga, step) in each participant.
    const usersDb = await openDb({ path: join(app.data, 'users.db') });
    const ids = (await usersDb.query("SELECT id, state FROM kit_sagas WHERE type = 'delete_group'")).map((r) => [String(r.id), String(r.state)]);
    await usersDb.close();
    assert.deepEqual(ids.map(([, state]) => state), Array(deleted).fill('completed'));
    for (const [svc, steps] of [['notifications', ['erase_notifications', 'notify_members']], ['chat', ['erase_chat']], ['location', ['erase_location']], ['gateway', ['erase_gateway']]] as const) {
      const db = await openDb({ path: join(app.data, `${svc}.db`) });
      const rows = await db.query(`SELECT step, count(*) AS n FROM kit_saga_applied WHERE saga_id IN (${ids.map(() => '?').join(', ')}) GROUP BY step ORDER BY step`, ids.map(([id]) => id!));
      await db.close();
      assert.deepEqual(rows.map((r) => [String(r.step), Number(r.n)]), steps.map((s) => [s, deleted]), svc);
    }
  });
});
