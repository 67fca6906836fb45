/**
 * The schedule's life of a backup with real archives (hearth backup's writeBackup and
 * verifyBackup) in a real directory: written hidden, verified, named; a damaged archive
 * kept as `.failed` with its reason; one at a time; retention by the clock; a stop that
 * gives up on a running backup leaves nothing behind; start-up removes what a crash left.
 * The data directory holds one small database (users, with the kit's tables and three
 * events); the appliance test (tests/platform/scheduled-backups.test.ts) backs up Hearth's.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../config/index.ts';
import { AppError, createLogger, KIT_MIGRATIONS, migrate, openDb } from '../../kit/index.ts';
import { BackupDirectory } from './directory.ts';
import { archiveEngine, BackupFailed, workerEngine, type BackupEngine } from './engine.ts';
import { BackupSchedule } from './schedule.ts';

const root = mkdtempSync(join(tmpdir(), 'hearth-backup-schedule-'));
after(() => rmSync(root, { recursive: true, force: true }));
const quiet = createLogger({ service: 'test', level: 'error', write: () => {} });
let n = 0;

/** A users database with the kit's tables and three events. */
async function makeDb(path: string): Promise<void> {
  const db = await openDb({ path });
  try {
    await migrate(db, 'kit', KIT_MIGRATIONS);
    await db.write(async (tx) => {
      for (let i = 1; i <= 3; i++) {
        await tx.execute("INSERT INTO kit_events (seq, id, type, version, at, data) VALUES (?, ?, 'user.registered', 1, '2026-01-01T00:00:00Z', x'00')", [i, `e${i}`]);
      }
    });
  } finally {
    db.close();
  }
}

/** A fresh data directory (one database) and backup directory, and the real engine for them. */
async function setup(): Promise<{ dir: BackupDirectory; engine: ReturnType<typeof archiveEngine>; data: string }> {
  const here = join(root, String(++n));
  mkdirSync(join(here, 'data'), { recursive: true });
  await makeDb(join(here, 'data', 'users.db'));
  const { config } = loadConfig([], { HEARTH_DATA: join(here, 'data') }, { cwd: here });
  return { dir: new BackupDirectory(join(here, 'backups')), engine: archiveEngine(config, ['users', 'chat']), data: config.data };
}

const keepAll = { daily: 100, weekly: 0, monthly: 0 };

async function settled(s: BackupSchedule): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (s.status().running) {
    if (Date.now() > deadline) throw new Error('the backup never finished');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the backup schedule', { timeout: 60_000 }, () => {
  it('writes a backup hidden, verifies it, then names it and records its manifest', async () => {
    const { dir, engine } = await setup();
    const s = new BackupSchedule({ cron: '', keep: keepAll, encrypted: false, dir, engine, log: quiet });
    await s.start();
    const name = await s.begin('manual');
    assert.match(name, /^hearth-backup-\d{8}T\d{6}Z\.tar\.gz$/);
    await settled(s);
    const [b, ...rest] = await dir.list();
    assert.equal(rest.length, 0);
    assert.equal(b!.name, name);
    assert.equal(b!.status, 'verified');
    assert.ok(b!.bytes > 0 && b!.verifiedAt);
    assert.deepEqual(b!.manifest?.skipped.map((x) => x.service), ['chat']); // no database yet
    assert.deepEqual(b!.manifest?.services.map((x) => [x.name, x.head]), [['users', 3]]);
    assert.deepEqual(readdirSync(dir.path).sort(), [name, `${name}.json`]);
    assert.deepEqual(s.status().last && { name: s.status().last!.name, ok: s.status().last!.ok }, { name, ok: true });
  });

  it('refuses a second backup while one is being written', async () => {
    const { dir, engine } = await setup();
    const s = new BackupSchedule({ cron: '', keep: keepAll, encrypted: false, dir, engine, log: quiet });
    const first = s.begin('manual');
    await assert.rejects(s.begin('manual'), (e: AppError) => e.code === 'backup.running' && e.kind === 'conflict');
    await first;
    await assert.rejects(s.begin('schedule'), (e: AppError) => e.code === 'backup.running');
    await settled(s);
    assert.equal((await dir.list()).length, 1);
  });

  it('keeps a backup that fails its verification as .failed, with the reason in the list', async () => {
    const { dir, engine } = await setup();
    const damaging: BackupEngine = {
      async make(out) {
        await engine.write(out);
        truncateSync(out, 100); // cut short after writing, as a failing disk might
        return engine.verify(out).catch((err: Error) => {
          throw new BackupFailed('verify', err.message);
        });
      },
    };
    const s = new BackupSchedule({ cron: '', keep: keepAll, encrypted: false, dir, engine: damaging, log: quiet });
    const name = await s.begin('manual');
    await settled(s);
    const [b] = await dir.list();
    assert.equal(b!.name, `${name}.failed`);
    assert.equal(b!.status, 'failed');
    assert.ok(b!.error && b!.error.length > 10, b!.error ?? '');
    assert.equal(s.status().last?.ok, false);
    assert.deepEqual(readdirSync(dir.path).sort(), [`${name}.failed`, `${name}.failed.json`]);
  });

  it('removes failed backups after a day even while every backup fails', async () => {
    const { dir, engine } = await setup();
    const failing: BackupEngine = {
      async make(out) {
        await engine.write(out);
        truncateSync(out, 100);
        throw new BackupFailed('verify', 'cut short');
      },
    };
    let now = new Date(2026, 11, 1, 3, 30);
    const s = new BackupSchedule({ cron: '', keep: keepAll, encrypted: false, dir, engine: failing, log: quiet, now: () => now });
    const first = await s.begin('schedule');
    await settled(s);
    now = new Date(2026, 11, 2, 3, 31);
    const second = await s.begin('schedule');
    await settled(s);
    assert.deepEqual((await dir.list()).map((b) => b.name), [`${second}.failed`]);
    assert.ok(!readdirSync(dir.path).some((f) => f.startsWith(first)));
  });

  it('prunes by backup.keep after each good backup, by the backups\' own days', async () => {
    const { dir, engine } = await setup();
    let now = new Date(2026, 11, 1, 3, 30);
    const s = new BackupSchedule({ cron: '', keep: { daily: 2, weekly: 0, monthly: 0 }, encrypted: false, dir, engine, log: quiet, now: () => now });
    const names: string[] = [];
    for (const day of [1, 2, 3]) {
      now = new Date(2026, 11, day, 3, 30);
      names.push(await s.begin('schedule'));
      await settled(s);
    }
    assert.deepEqual((await dir.list()).map((b) => b.name), [names[2], names[1]]);
    assert.ok(!readdirSync(dir.path).some((f) => f.startsWith(names[0]!)), 'the pruned backup\'s record went too');
  });

  it('gives up on a backup running at a stop: its files are removed and nothing is named', async () => {
    const { dir, engine } = await setup();
    let release = () => {};
    const stuck: BackupEngine = {
      async make(out) {
        await engine.write(out);
        await new Promise<void>((r) => (release = r)); // a slow disk
        return engine.verify(out);
      },
    };
    const s = new BackupSchedule({ cron: '', keep: keepAll, encrypted: false, dir, engine: stuck, log: quiet });
    await s.begin('manual');
    await new Promise((r) => setTimeout(r, 300));
    await s.stop(50);
    release();
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(readdirSync(dir.path), []);
    await assert.rejects(s.begin('manual'), (e: AppError) => e.code === 'backup.stopping');
  });

  it('removes at start what a killed Hearth left half-written, and leaves other files alone', async () => {
    const { dir, engine } = await setup();
    await dir.ensure();
    for (const f of ['.hearth-backup-20261201T033000Z.tar.gz.partial', 'hearth-backup-20261130T033000Z.tar.gz.json', 'notes.txt', 'hearth-backup-20261129T033000Z.tar.gz']) {
      writeFileSync(join(dir.path, f), 'x');
    }
    mkdirSync(join(dir.path, '..hearth-backup-20261201T033000Z.tar.gz.partial.staging-ab12'));
    const s = new BackupSchedule({ cron: '', keep: keepAll, encrypted: false, dir, engine, log: quiet });
    await s.start();
    assert.deepEqual(readdirSync(dir.path).sort(), ['hearth-backup-20261129T033000Z.tar.gz', 'notes.txt']);
    assert.equal((await dir.list())[0]?.status, 'unverified'); // no record of a check
  });

  it('catches up a missed scheduled time at start, once', async () => {
    const { dir, engine } = await setup();
    const s = new BackupSchedule({ cron: '0 0 * * *', keep: keepAll, encrypted: false, dir, engine, log: quiet });
    await dir.ensure();
    writeFileSync(join(dir.path, 'hearth-backup-20200101T000000Z.tar.gz'), 'an old one');
    await s.start();
    await s.catchUp(true);
    assert.equal(s.status().running?.trigger, 'catch-up');
    await settled(s);
    await s.catchUp(true); // the newest is now after the last midnight
    assert.equal(s.status().running, null);
    await s.stop(1000);
  });

  it('makes backups in a hearth backup-worker process, encrypted with backup.passphrase, and kills it on a stop', async () => {
    const here = join(root, 'worker');
    mkdirSync(join(here, 'data'), { recursive: true });
    await makeDb(join(here, 'data', 'users.db'));
    const file = join(here, 'hearth.conf');
    writeFileSync(file, `backup { passphrase: "correct horse battery staple" }\n`);
    const command = [process.execPath, fileURLToPath(new URL('../../../bin/hearth.js', import.meta.url))];
    const worker = workerEngine({ configFile: file, data: join(here, 'data'), command });
    const dir = new BackupDirectory(join(here, 'backups'));
    const s = new BackupSchedule({ cron: '', keep: keepAll, encrypted: true, dir, engine: worker, log: quiet });
    const name = await s.begin('manual');
    assert.match(name, /\.tar\.gz\.age$/);
    await settled(s);
    const [b] = await dir.list();
    assert.equal(b?.status, 'verified', JSON.stringify(s.status().last));
    const { config } = loadConfig(['--config', file], { HEARTH_DATA: join(here, 'data') }, { cwd: here });
    assert.deepEqual((await archiveEngine(config, []).verify(dir.file(name))).services.map((x) => x.name), ['users']);
    await assert.rejects(archiveEngine({ ...config, backup: { ...config.backup, passphrase: '' } }, []).verify(dir.file(name)));

    await s.begin('manual');
    await s.stop(0); // the worker is still starting: killed, its files removed
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(readdirSync(dir.path).sort(), [name, `${name}.json`]);
  });

  it('says which directory it cannot use when backup.dir is not one', async () => {
    const { engine, data } = await setup();
    const file = join(data, 'not-a-directory');
    writeFileSync(file, 'x');
    const s = new BackupSchedule({ cron: '', keep: keepAll, encrypted: false, dir: new BackupDirectory(file), engine, log: quiet });
    await assert.rejects(s.begin('manual'), (e: AppError) => e.code === 'backup.dir_unusable' && e.message.includes(file) && e.message.includes('backup.dir'));
    assert.equal(s.status().running, null);
  });

  it('refuses to read anything but a listed backup', async () => {
    const { dir } = await setup();
    await dir.ensure();
    writeFileSync(join(dir.path, 'notes.txt'), 'private');
    for (const name of ['notes.txt', '../data/users.db', '/etc/passwd', 'hearth-backup-20261202T033000Z.tar.gz']) {
      await assert.rejects(dir.read(name, 0, 10), (e: AppError) => e.code === 'backup.not_found', name);
    }
  });
});
