/**
 * "Delete my account" through a spawned appliance (`hearth serve`, real processes, broker,
 * files): the refusals (bad input, wrong password, an owner of a group with others), a
 * deletion cancelled by signing in within the grace period, and a deletion that completes
 * although every participant is SIGKILLed right after its step committed (before it
 * answered: TEST_HEARTH_SAGA_KILL), chat is stopped (SIGSTOP) for longer than a step's
 * request timeout, and users — the orchestrator — is SIGKILLed meanwhile. After a clean
 * stop no file of the data directory holds the person's e-mail or display name, and each
 * step was recorded once. One appliance for every scenario (CI time).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decode } from '../../src/kit/index.ts';
import { joinGroup, makeGroup, signIn, type User } from '../support/accounts.ts';
import { OPEN_API, writeTestConfig } from '../support/config.ts';
import { sql } from '../support/database.ts';
import { bannerOf, spawnHearth, type HearthProcess } from '../support/hearth-process.ts';
import { assertProblem, call, getJson } from '../support/http.ts';
import { freePort } from '../support/net.ts';
import { waitFor } from '../support/poll.ts';
import { describeFound, findInFiles } from '../support/scrub.ts';
import { multiProcessOnly } from '../support/one-process.ts';

const PARTICIPANTS = ['location', 'chat', 'notifications', 'gateway'] as const;
// Long enough for the steps between asking and signing in again on a loaded CI machine.
const GRACE_S = 6;

describe('deleting an account (the saga, in a spawned appliance)', { timeout: 180_000, skip: multiProcessOnly("TEST_HEARTH_SAGA_KILL SIGKILLs the process of one participant, which would be every service") }, () => {
  const cfg = writeTestConfig(`${OPEN_API.replace('registration: "open"', `registration: "open", deletion_grace_s: ${GRACE_S}`)}\nbackup { schedule: "" }`, { builtIn: true });
  let hearth: HearthProcess | undefined;
  let h: { url: string };
  after(async () => {
    await hearth?.stop('SIGKILL');
    rmSync(cfg.dir, { recursive: true, force: true });
  });

  /** Registers someone with a display name and e-mail of their own (searched for afterwards) and signs them in. */
  async function person(displayName: string): Promise<User> {
    const email = `${displayName.toLowerCase().replace(/\W+/g, '.')}@example.org`;
    const password = 'a long enough passphrase';
    const reg = await call(h, 'POST', '/v1/auth/register', { body: { email, password, displayName } });
    assert.equal(reg.status, 201, reg.text);
    return signIn(h, displayName, email, password);
  }
  const pidOf = async (svc: string): Promise<number> => (await getJson(`${h.url}/readyz`)).body.services[svc].pid as number;
  const progress = (u: User) => call(h, 'GET', '/v1/me/deletion', { token: u.token });

  before(async () => {
    // A fixed port: the gateway, killed at its step, must come back where the test looks.
    const port = await freePort();
    hearth = spawnHearth('node', ['serve', '--config', cfg.file], { env: { HEARTH_HTTP: `127.0.0.1:${port}`, TEST_HEARTH_SAGA_KILL: PARTICIPANTS.map((p) => `${p}.account_deletion_erase`).join(',') } });
    h = { url: (await bannerOf(hearth)).http };
  });

  it('refuses bad input, a wrong password and an owner whose group has other members (problem+json)', async () => {
    const ola = await person('Ola Owner');
    const bo = await person('Bo Member');
    const group = await makeGroup(h, ola, 'Ola and Bo');
    await joinGroup(h, group, ola, bo);
    assertProblem(await call(h, 'DELETE', '/v1/me', { token: ola.token, body: {} }), 400);
    assertProblem(await call(h, 'DELETE', '/v1/me', { token: ola.token, body: { password: 'a long enough passphrase', extra: 1 } }), 400);
    assertProblem(await call(h, 'DELETE', '/v1/me', { token: ola.token, body: { password: 'not the passphrase' } }), 403, 'users.wrong_password');
    const refused = await call(h, 'DELETE', '/v1/me', { token: ola.token, body: { password: ola.password } });
    assertProblem(refused, 409, 'users.owner_must_transfer');
    assert.deepEqual(refused.body.groupIds, [group]);
    assertProblem(await progress(ola), 404, 'users.no_account_deletion');
    assertProblem(await call(h, 'GET', '/v1/me/deletion'), 401);
    assert.equal((await call(h, 'GET', '/v1/me', { token: ola.token })).status, 200, 'nothing changed');
  });

  it('cancels the deletion when the person signs in again within the grace period', async () => {
    const cy = await person('Cy Changes Mind');
    const started = await call(h, 'DELETE', '/v1/me', { token: cy.token, body: { password: cy.password } });
    assert.equal(started.status, 202, started.text);
    assert.equal(started.body.status, 'running');
    const p = await progress(cy);
    assert.equal(p.status, 200, p.text);
    assert.equal(p.body.sagaId, started.body.sagaId);
    assert.ok(p.body.graceEndsAt, 'the grace period is shown');
    assertProblem(await call(h, 'GET', '/v1/me', { token: cy.token }), 403, 'users.account_deleting');
    // The gateway too, for every other service, once it has read users' event (a moment later).
    await waitFor('the gateway refusing Cy', async () => (await call(h, 'GET', '/v1/notifications', { token: cy.token })).status === 403);
    assertProblem(await call(h, 'GET', '/v1/groups', { token: cy.token }), 403, 'users.account_deleting');
    const again = await call(h, 'DELETE', '/v1/me', { token: cy.token, body: { password: cy.password } });
    assert.equal(again.body.sagaId, started.body.sagaId, 'asked again: the same deletion');
    const login = await call(h, 'POST', '/v1/auth/login', { body: { email: cy.email, password: cy.password } });
    assert.equal(login.status, 200, login.text);
    assert.equal(login.body.deletionCancelled, true);
    const back = { ...cy, token: login.body.accessToken as string };
    assert.equal((await call(h, 'GET', '/v1/notifications', { token: back.token })).status, 200, 'the gateway knows at once');
    await waitFor('the deletion cancelled', async () => (await progress(back)).body.status === 'cancelled', 10_000);
    assert.equal((await call(h, 'GET', '/v1/me', { token: back.token })).status, 200);
    await new Promise((r) => setTimeout(r, GRACE_S * 1000 + 500)); // past the grace: nothing was erased after all
    assert.equal((await call(h, 'GET', '/v1/me', { token: back.token })).body.displayName, 'Cy Changes Mind');
  });

  it('completes through participants killed at their step, one stopped past its timeout and the orchestrator killed, leaving no trace in any file', async () => {
    const zed = await person('Zelda Quixotic');
    const bo = await person('Bo Keeps Family');
    const family = await makeGroup(h, bo, 'Family');
    await joinGroup(h, family, bo, zed);
    const solo = await makeGroup(h, zed, 'Hut');
    for (const g of [family, solo]) {
      const m = await call(h, 'POST', `/v1/groups/${g}/messages`, { token: zed.token, body: { text: 'hello from the kitchen', txnId: `t-${g}` }, headers: { 'idempotency-key': `msg-${g}` } });
      assert.equal(m.status, 201, m.text);
    }
    await waitFor('fixes accepted', async () => (await call(h, 'POST', '/v1/locations', { token: zed.token, body: { lat: 52.5, lon: 13.4, timestamp: new Date().toISOString(), accuracy: 5 } })).status === 200, 10_000);
    assert.equal((await call(h, 'POST', `/v1/groups/${family}/sos`, { token: zed.token, body: {} })).status < 300, true);
    await waitFor('Bo told of Zelda', async () => (await call(h, 'GET', '/v1/notifications?limit=100', { token: bo.token })).body.items.some((n: { body: string; title: string }) => `${n.title} ${n.body}`.includes('Zelda')), 15_000);

    const chatPid = await pidOf('chat');
    const started = await call(h, 'DELETE', '/v1/me', { token: zed.token, body: { password: zed.password } });
    assert.equal(started.status, 202, started.text);
    process.kill(chatPid, 'SIGSTOP'); // chat is "down" (its requests time out) from before its step begins
    try {
      const waiting = await waitFor('erase_chat retried after timeouts', async () => {
        const p = await progress(zed);
        return p.body.step === 'erase_chat' && p.body.error ? p.body : undefined;
      }, 30_000);
      assert.equal(waiting.steps.find((s: { name: string }) => s.name === 'erase_location').status, 'done');
      const usersPid = await pidOf('users');
      process.kill(usersPid, 'SIGKILL'); // the orchestrator, mid-saga
      await waitFor('users back', async () => (await pidOf('users')) !== usersPid && (await progress(zed)).status === 200, 20_000);
    } finally {
      process.kill(chatPid, 'SIGCONT');
    }
    await waitFor('the account gone', async () => {
      const login = await call(h, 'POST', '/v1/auth/login', { body: { email: zed.email, password: zed.password } });
      return login.status === 401;
    }, 60_000);
    await waitFor('every service ready again', async () => (await getJson(`${h.url}/readyz`)).body.status === 'ready', 20_000);
    assertProblem(await progress(zed), 401);

    // What Bo sees: Zelda gone from the family, her message anonymised, nothing about her in his inbox.
    const members = await call(h, 'GET', `/v1/groups/${family}/members`, { token: bo.token });
    assert.deepEqual(members.body.members.map((m: { displayName: string }) => m.displayName), ['Bo Keeps Family']);
    const messages = await call(h, 'GET', `/v1/groups/${family}/messages`, { token: bo.token });
    assert.ok(!messages.text.includes('Zelda'), messages.text);
    assert.ok(messages.body.messages.some((m: { authorName: string; text: string }) => m.authorName === 'Deleted account' && m.text === 'hello from the kitchen'), messages.text);
    const inbox = await call(h, 'GET', '/v1/notifications?limit=100', { token: bo.token });
    assert.ok(!inbox.text.includes('Zelda'), inbox.text);

    assert.equal(await hearth!.stop('SIGTERM'), 0);
    hearth = undefined;
    const found = findInFiles(cfg.data, [zed.email, 'Zelda Quixotic', 'Zelda'], { except: /^backups\// });
    assert.equal(found.length, 0, describeFound(found));

    const db = (svc: string) => join(cfg.data, `${svc}.db`);
    const [saga] = await sql(db('users'), `SELECT id, state FROM kit_sagas WHERE id = '${started.body.sagaId}'`);
    assert.equal(saga?.state, 'completed');
    const steps = await sql(db('users'), `SELECT name, status, attempts FROM kit_saga_steps WHERE saga_id = '${started.body.sagaId}' ORDER BY position`);
    assert.deepEqual(steps.map((s) => [s.name, s.status]), ['leave_groups', ...PARTICIPANTS.map((p) => `erase_${p}`), 'delete_account'].map((n) => [n, 'done']));
    for (const s of steps.filter((x) => String(x.name).startsWith('erase_'))) assert.ok(Number(s.attempts) >= 2, `${s.name} was answered only after a retry (${s.attempts})`);
    for (const p of PARTICIPANTS) {
      const applied = await sql(db(p), `SELECT step FROM kit_saga_applied WHERE saga_id = '${started.body.sagaId}'`);
      assert.deepEqual(applied.map((r) => r.step), [`erase_${p}`], `${p} applied its step once`);
    }
    const deleted = (await sql(db('users'), "SELECT data FROM kit_events WHERE type = 'user.deleted'")).filter((r) => (decode(new Uint8Array(r.data as ArrayBuffer)) as { userId: string }).userId === zed.userId);
    assert.equal(deleted.length, 1, 'user.deleted appended once');
  });
});
