/**
 * The data directory is private to the user running Hearth (finding 1 of #13): started
 * with umask 022 on a directory others can read, `hearth serve` leaves every directory in
 * it 0700 and every file 0600 — databases, -wal, -shm, the lock, and files it did not
 * write — and a second OS user (`nobody`, when the test runs as root) can read none of
 * them. A file it cannot make private stops the start with a clear message. A database the
 * kit creates is 0600 whatever the umask.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDb } from '../../src/kit/index.ts';
import { bannerOf, spawnHearth, type HearthProcess } from '../support/hearth-process.ts';
import { getJson } from '../support/http.ts';
import { ONLY_TEST_SERVICES, writeTestConfig } from '../support/config.ts';
import { waitFor } from '../support/poll.ts';

const NOBODY = 65534;
const asNobody = process.getuid?.() === 0 ? undefined : 'not running as root, so the check as a second OS user (nobody) is skipped; modes are still asserted';

/** Every path under `dir` (itself included) with its permission bits. */
function walk(dir: string): [string, number, boolean][] {
  const st = lstatSync(dir);
  const here: [string, number, boolean][] = [[dir, st.mode & 0o777, st.isDirectory()]];
  return st.isDirectory() ? here.concat(...readdirSync(dir).map((n) => walk(join(dir, n)))) : here;
}

/** Runs `cmd` as nobody; true if it succeeded. */
function nobodyCan(cmd: string, ...args: string[]): boolean {
  return spawnSync(cmd, args, { uid: NOBODY, gid: NOBODY, stdio: 'ignore' }).status === 0;
}

/** A test configuration in a directory anyone may enter, so only the data directory's own modes protect it. */
function openConfig() {
  const cfg = writeTestConfig();
  chmodSync(cfg.dir, 0o755);
  return cfg;
}

describe('a data directory others could read', { timeout: 240_000 }, () => {
  const cfg = openConfig();
  let h: HearthProcess;
  before(async () => {
    // What an older Hearth (umask 022) left: everything readable by everyone.
    mkdirSync(join(cfg.data, 'backups'), { recursive: true });
    writeFileSync(join(cfg.data, 'notes.txt'), 'secret');
    writeFileSync(join(cfg.data, 'backups', 'users.db'), 'secret');
    for (const [p, m] of [[cfg.data, 0o755], [join(cfg.data, 'backups'), 0o755], [join(cfg.data, 'notes.txt'), 0o644], [join(cfg.data, 'backups', 'users.db'), 0o644]] as const) chmodSync(p, m);
    const umask = process.umask(0o022); // the child inherits the usual umask
    h = spawnHearth('node', ['serve', '--config', cfg.file], { cwd: cfg.dir, env: ONLY_TEST_SERVICES });
    process.umask(umask);
    const { http } = await bannerOf(h, 90_000);
    await waitFor('the services to be ready', async () => (await getJson(`${http}/readyz`)).status === 200, 90_000);
  });
  after(async () => {
    await h.stop('SIGTERM');
  });

  it('is made private at start: directories 0700, files 0600, including what Hearth wrote since', () => {
    const entries = walk(cfg.data);
    const names = entries.map(([p]) => p.slice(cfg.data.length + 1));
    for (const f of ['ledger.db', 'ledger.db-wal', 'ledger.db-shm', 'tally.db', 'hearth.lock', 'notes.txt', 'backups/users.db']) assert.ok(names.includes(f), `${f} exists`);
    for (const [p, mode, dir] of entries) assert.equal(mode.toString(8), (dir ? 0o700 : 0o600).toString(8), p);
    assert.match(h.output(), /readable by other users; made it private/);
  });

  it('cannot be read by another OS user', { skip: asNobody }, () => {
    const outside = join(cfg.dir, 'public.txt');
    writeFileSync(outside, 'x', { mode: 0o644 });
    chmodSync(outside, 0o644);
    assert.ok(nobodyCan('cat', outside), 'nobody can read a public file next to the data directory (the test can fail)');
    for (const [p, , dir] of walk(cfg.data)) assert.equal(dir ? nobodyCan('ls', p) : nobodyCan('cat', p), false, `nobody can read ${p}`);
  });
});

describe('a data directory Hearth cannot make private', { skip: asNobody, timeout: 60_000 }, () => {
  it('stops the start with exit code 2, naming the file and what to do', async () => {
    const cfg = openConfig();
    mkdirSync(cfg.data);
    chownSync(cfg.data, NOBODY, NOBODY);
    writeFileSync(join(cfg.data, 'root-owned.txt'), 'x');
    chmodSync(join(cfg.data, 'root-owned.txt'), 0o644); // root's file: nobody may not chmod it
    const h = spawnHearth('node', ['serve', '--config', cfg.file], { cwd: cfg.dir, uid: NOBODY, gid: NOBODY, env: ONLY_TEST_SERVICES });
    assert.equal(await h.exited, 2, h.output());
    assert.match(h.output(), /hearth: the data directory .* cannot be made private:\n\s+.*root-owned\.txt: it belongs to user 0, not to you \(65534\); run `chown -R 65534/);
    assert.doesNotMatch(h.output(), /\n\s+at /, 'no stack trace');
    assert.equal(existsSync(join(cfg.data, 'ledger.db')), false, 'no service started');
  });
});

describe('a database the kit creates', () => {
  it('is 0600 with its -wal and -shm, whatever the umask', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-db-mode-'));
    const umask = process.umask(0o022);
    try {
      const db = await openDb({ path: join(dir, 'sub', 'notes.db') });
      await db.write((tx) => tx.execute('CREATE TABLE t (x)'));
      for (const f of ['notes.db', 'notes.db-wal', 'notes.db-shm']) assert.equal((lstatSync(join(dir, 'sub', f)).mode & 0o777).toString(8), '600', f);
      assert.equal((lstatSync(join(dir, 'sub')).mode & 0o777).toString(8), '700');
      db.close();
    } finally {
      process.umask(umask);
    }
  });
});
