/**
 * A full disk under `hearth serve`, with real processes on a real filesystem: the data
 * directory is a small tmpfs, filled up by the test. A write then answers 507 problem
 * `storage.full` (not 500 `kit.internal`), /readyz says which service cannot write and why,
 * and once space is freed everything works again on its own: no restart, same processes.
 * Mounting needs root; elsewhere the test is skipped with a message saying so.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnHearth, type HearthProcess } from '../support/hearth-process.ts';
import { getJson, call } from '../support/http.ts';
import { storageConfig } from './support.ts';
import { waitFor } from '../support/poll.ts';
import { freePort } from '../support/net.ts';

const dir = mkdtempSync(join(tmpdir(), 'hearth-full-'));
const data = join(dir, 'data');
mkdirSync(data);
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=24m,mode=0700', 'tmpfs', data]).status === 0;
const skip = mounted ? false : 'cannot mount a tmpfs here (the test needs root): the full-disk test did not run';
if (skip) process.stderr.write(`SKIPPED: ${skip}\n`);


/** Writes zeros to `file` until the filesystem has no room left. */
function fill(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

describe('a full disk', { timeout: 300_000, skip }, () => {
  let h: HearthProcess;
  let url: string;
  let token: string;
  let group: string;
  const filler = join(data, 'filler');

  before(async () => {
    const cfg = storageConfig(dir, await freePort(), data);
    url = cfg.url;
    h = spawnHearth('node', ['serve', '--config', cfg.file]);
    await waitFor('Hearth to be ready', async () => (await getJson(`${url}/readyz`)).status === 200, 120_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${h.output().slice(-3000)}`);
    });
    const login = { email: 'ann@example.home', password: 'a long passphrase' };
    assert.equal((await call({ url }, 'POST', '/v1/auth/register', { body: { ...login, displayName: 'Ann' } })).status, 201);
    token = (await call({ url }, 'POST', '/v1/auth/login', { body: login })).body.accessToken;
    group = (await call({ url }, 'POST', '/v1/groups', { body: { name: 'Family' }, token })).body.id;
    assert.equal((await call({ url }, 'POST', `/v1/groups/${group}/messages`, { body: { text: 'before', txnId: 'b0' }, token })).status, 201);
  });
  after(async () => {
    await h?.stop('SIGKILL');
    if (mounted) spawnSync('umount', ['-l', data]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a write with 507 storage.full, says so in /readyz, and recovers by itself when space returns', async () => {
    const pid = (await getJson(`${url}/readyz`)).body.services.chat.pid as number;
    fill(filler);
    // A commit that needs a new page of the WAL fails; a long enough message needs several.
    let full: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 50 && !full; i++) {
      const r = await call({ url }, 'POST', `/v1/groups/${group}/messages`, { body: { text: `while full ${i} ${'x'.repeat(3000)}`, txnId: `f${i}` }, token });
      if (r.status !== 201) full = r;
    }
    assert.ok(full, 'a write failed once the disk was full');
    assert.equal(full.status, 507, JSON.stringify(full.body));
    assert.equal(full.body.code, 'storage.full');
    assert.equal(full.body.type, 'urn:hearth:problem:insufficient_storage');
    assert.match(full.body.detail, /chat/);
    assert.match(full.headers.get('content-type')!, /^application\/problem\+json/);

    const degraded = await waitFor('/readyz to report the full disk', async () => {
      const r = await getJson(`${url}/readyz`);
      return r.status === 503 && r.body.services.chat.code === 'storage.full' ? r.body : undefined;
    }, 30_000);
    assert.equal(degraded.services.chat.status, 'degraded');
    assert.ok(degraded.services.chat.reason.includes(join(data, 'chat.db')), degraded.services.chat.reason);
    assert.match(degraded.detail, /chat \(The disk holding .*chat\.db is full/);
    assert.match(h.output(), /storage full/);
    // Reads still work while the disk is full.
    assert.equal((await call({ url }, 'GET', `/v1/groups/${group}/messages`, { token })).status, 200);

    rmSync(filler);
    await waitFor('/readyz to be ready again without a restart', async () => (await getJson(`${url}/readyz`)).status === 200, 60_000);
    const after = await call({ url }, 'POST', `/v1/groups/${group}/messages`, { body: { text: 'after', txnId: 'a1' }, token });
    assert.equal(after.status, 201, JSON.stringify(after.body));
    assert.equal((await getJson(`${url}/readyz`)).body.services.chat.pid, pid, 'the same chat process');
    assert.match(h.output(), /storage recovered/);
    assert.doesNotMatch(h.output(), /service exited; restarting/);
  });
});
