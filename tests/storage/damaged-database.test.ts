/**
 * Damaged database files under `hearth serve`, with real processes and real libSQL files.
 * The reproduction of issue #13: bytes in the middle of a checkpointed chat.db made every
 * history read abort the chat process (a libSQL panic on invalid UTF-8), and /readyz said
 * ok. Now each service checks its file at start; one with damage — bad bytes in a row's
 * text, or a damaged page — runs only to say so: /readyz names it, its file and what to do,
 * the logs say the same, its routes answer 503 `storage.corrupt` at once, nothing aborts or
 * restarts, and the other services keep serving. Restoring the files from a backup brings
 * them back. `hearth check` reports the same files, with Hearth running or stopped.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { spawnHearth, type HearthProcess } from '../support/hearth-process.ts';
import { getJson, call } from '../support/http.ts';
import { sql } from '../support/database.ts';
import { checkpoint, damagePage, damageText, storageConfig } from './support.ts';
import { waitFor } from '../support/poll.ts';
import { freePort } from '../support/net.ts';

const SERVICES = ['users', 'location', 'chat', 'notifications', 'gateway'] as const;
const MARKER = 'the-zebra-crossing-marker-7731';


async function runCheck(file: string): Promise<{ code: number | string; out: string }> {
  const p = spawnHearth('node', ['check', '--config', file]);
  const code = await p.exited;
  return { code, out: p.output() };
}

describe('damaged database files', { timeout: 400_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-storage-'));
  let cfg: ReturnType<typeof storageConfig>;
  const file = (s: string) => join(cfg.data, `${s}.db`);
  const backup = join(dir, 'backup');
  const login = { email: 'ann@example.home', password: 'a long passphrase' };
  let group: string;
  /** A text every service's file holds once: when its kit tables were made. */
  const kitStamp = async (s: string) => String((await sql(file(s), "SELECT applied_at FROM kit_migrations WHERE scope = 'kit' AND version = 1"))[0]!.applied_at);

  /** Starts Hearth; resolves once every service has answered its health request (ok or not). */
  const serve = async (): Promise<{ h: HearthProcess; http: string }> => {
    const h = spawnHearth('node', ['serve', '--config', cfg.file]);
    const answered = (s: { status: string }) => s.status === 'ok' || s.status === 'degraded';
    await waitFor('every service to answer', async () => {
      const r = await getJson(`${cfg.url}/readyz`);
      return Object.keys(r.body.services ?? {}).length === SERVICES.length && Object.values(r.body.services).every((s) => answered(s as { status: string }));
    }, 120_000);
    return { h, http: cfg.url };
  };
  const restore = (s: string) => {
    for (const ext of ['-wal', '-shm']) rmSync(file(s) + ext, { force: true });
    copyFileSync(join(backup, `${s}.db`), file(s));
  };

  before(async () => {
    cfg = storageConfig(dir, await freePort());
    const { h, http } = await serve();
    try {
      assert.equal((await call({ url: http }, 'POST', '/v1/auth/register', { body: { ...login, displayName: 'Ann' } })).status, 201);
      const token = (await call({ url: http }, 'POST', '/v1/auth/login', { body: login })).body.accessToken as string;
      group = (await call({ url: http }, 'POST', '/v1/groups', { body: { name: 'Family' }, token })).body.id;
      assert.equal((await call({ url: http }, 'POST', `/v1/groups/${group}/messages`, { body: { text: `see you at ${MARKER}`, txnId: 't1' }, token })).status, 201);
      assert.equal((await call({ url: http }, 'GET', `/v1/groups/${group}/messages`, { token })).status, 200);
      assert.equal(await h.stop('SIGTERM'), 0);
    } finally {
      await h.stop('SIGKILL');
    }
    mkdirSync(backup);
    for (const s of SERVICES) {
      await checkpoint(file(s));
      copyFileSync(file(s), join(backup, `${s}.db`));
    }
  });

  it('chat with bad bytes in a message, location with a damaged page: not ready, named, no abort; the rest serves', async () => {
    assert.ok(damageText(file('chat'), MARKER) >= 1);
    damagePage(file('location'), await kitStamp('location'));
    const { h, http } = await serve();
    try {
      const ready = await getJson(`${http}/readyz`);
      assert.equal(ready.status, 503);
      for (const s of ['chat', 'location']) {
        const entry = ready.body.services[s];
        assert.equal(entry.status, 'degraded', s);
        assert.equal(entry.code, 'storage.corrupt', s);
        assert.ok(entry.reason.includes(file(s)), `${s}: ${entry.reason}`);
        assert.match(entry.reason, /restore the file from a backup/);
        assert.ok(ready.body.detail.includes(`${s} (`), ready.body.detail);
      }
      for (const s of ['users', 'notifications', 'gateway']) assert.equal(ready.body.services[s].status, 'ok', s);
      assert.ok(h.output().includes(file('chat')) && h.output().includes(file('location')), 'the logs name both files');
      const [title] = await h.waitForOutput(/Hearth is (ready|running, but not every service is ready:[^]*?readyz)/, 60_000);
      assert.doesNotMatch(title!, /Hearth is ready/, 'the banner does not say ready');
      assert.ok(title!.includes(file('chat')) && title!.includes(file('location')), `the banner names both files: ${title}`);
      const pids = { chat: ready.body.services.chat.pid, location: ready.body.services.location.pid };

      // The others serve: sign in, my profile.
      const token = (await call({ url: http }, 'POST', '/v1/auth/login', { body: login })).body.accessToken as string;
      assert.equal((await call({ url: http }, 'GET', '/v1/me', { token })).status, 200);
      // Chat says what is wrong instead of aborting: the read that used to kill it, and a send.
      for (let i = 0; i < 3; i++) {
        const history = await call({ url: http }, 'GET', `/v1/groups/${group}/messages`, { token });
        assert.equal(history.status, 503);
        assert.ok(['storage.corrupt', 'kit.circuit_open'].includes(history.body.code), history.body.code);
      }
      const send = await call({ url: http }, 'POST', `/v1/groups/${group}/messages`, { body: { text: 'hello', txnId: 't2' }, token });
      assert.equal(send.status, 503);
      const first = await call({ url: http }, 'GET', `/v1/groups/${group}/messages`, { token });
      assert.match(first.body.detail, /chat/);

      // Nothing aborted, nothing was restarted.
      await new Promise((r) => setTimeout(r, 1000));
      const later = await getJson(`${http}/readyz`);
      assert.deepEqual({ chat: later.body.services.chat.pid, location: later.body.services.location.pid }, pids);
      assert.doesNotMatch(h.output(), /panicked|SIGABRT|service exited; restarting/);
      assert.equal(await h.stop('SIGTERM'), 0);
    } finally {
      await h.stop('SIGKILL');
    }
  });

  it('users with a damaged page, notifications with bad text; chat and location restored from the backup serve again', async () => {
    restore('chat');
    restore('location');
    damagePage(file('users'), 'Ann');
    damageText(file('notifications'), await kitStamp('notifications'));
    const { h, http } = await serve();
    try {
      const ready = await getJson(`${http}/readyz`);
      assert.equal(ready.status, 503);
      for (const s of ['users', 'notifications']) {
        assert.equal(ready.body.services[s].code, 'storage.corrupt', s);
        assert.ok(ready.body.services[s].reason.includes(file(s)), s);
      }
      for (const s of ['chat', 'location', 'gateway']) assert.equal(ready.body.services[s].status, 'ok', s);
      assert.equal((await call({ url: http }, 'POST', '/v1/auth/login', { body: login })).status, 503);

      // `hearth check` while Hearth runs: a warning, the same two files, exit 1.
      const running = await runCheck(cfg.file);
      assert.equal(running.code, 1, running.out);
      assert.match(running.out, /warning: Hearth is running/);
      assert.match(running.out, new RegExp(`DAMAGED\\s+users\\s+${file('users')}`));
      assert.match(running.out, new RegExp(`DAMAGED\\s+notifications\\s+${file('notifications')}`));
      assert.match(running.out, new RegExp(`ok\\s+chat\\s+${file('chat')}`));
      assert.doesNotMatch(h.output(), /panicked|SIGABRT|service exited; restarting/);
      assert.equal(await h.stop('SIGTERM'), 0);
    } finally {
      await h.stop('SIGKILL');
    }
  });

  it('hearth check: exit 1 naming the damaged files, exit 0 once they are restored', async () => {
    const damaged = await runCheck(cfg.file);
    assert.equal(damaged.code, 1, damaged.out);
    assert.doesNotMatch(damaged.out, /warning/);
    assert.match(damaged.out, /DAMAGED\s+users/);
    assert.match(damaged.out, /text is not UTF-8/); // notifications: what quick_check and integrity_check cannot see
    assert.match(damaged.out, /2 damaged databases/);
    for (const s of SERVICES) restore(s);
    const good = await runCheck(cfg.file);
    assert.equal(good.code, 0, good.out);
    for (const s of SERVICES) assert.match(good.out, new RegExp(`^ok\\s+${s}\\s`, 'm'));
    assert.match(good.out, /every database is sound/);
    const { h, http } = await serve();
    try {
      await waitFor('ready after the restore', async () => (await getJson(`${http}/readyz`)).status === 200, 15_000);
    } finally {
      await h.stop('SIGKILL');
    }
  });
});
