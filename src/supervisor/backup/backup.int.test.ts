/**
 * Writing, reading, verifying and installing archives with real database files: the
 * archive holds the manifest first and databases that match it; damage of any kind (a
 * flipped byte, a cut, garbage, a stray entry) is a clear BackupError; installing checks
 * schemas and refuses occupied or locked directories without changing them.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { loadConfig, type HearthConfig } from '../../config/index.ts';
import { KIT_MIGRATIONS, migrate, openDb, type ServiceDefinition } from '../../kit/index.ts';
import { takeLock } from '../lock.ts';
import type { ServiceLoaders } from '../service-host.ts';
import { readArchive } from './archive.ts';
import { openFile } from './snapshot.ts';
import { BackupError, installRestore, verifyBackup, writeBackup, type BackupManifest } from './index.ts';

const notes: ServiceDefinition = { name: 'notes', migrations: [{ version: 1, name: 'init', sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)' }], setup() {} };
const builtins: ServiceLoaders = { notes: async () => ({ default: notes }) };
const sink = () => {
  let text = '';
  return { write: (s: string) => ((text += s), true), text: () => text } as unknown as NodeJS.WritableStream & { text(): string };
};

/** A service database with `n` events and `n` notes. */
async function makeDb(path: string, n: number, extra = ''): Promise<void> {
  const db = await openDb({ path });
  try {
    await migrate(db, 'kit', KIT_MIGRATIONS);
    await migrate(db, 'notes', notes.migrations);
    await db.write(async (tx) => {
      for (let i = 1; i <= n; i++) {
        await tx.execute("INSERT INTO kit_events (seq, id, type, version, at, data) VALUES (?, ?, 'notes.added', 1, '2026-01-01T00:00:00Z', x'00')", [i, `e${i}`]);
        await tx.execute('INSERT INTO notes (text) VALUES (?)', [`note ${i} ${'x'.repeat(200)}`]);
      }
      if (extra) await tx.executeMultiple(extra);
    });
  } finally {
    db.close();
  }
}

const isBackupError = (kind: string, re: RegExp) => (e: unknown) => {
  assert.ok(e instanceof BackupError, String(e));
  assert.equal(e.kind, kind, e.message);
  assert.match(e.message, re);
  return true;
};
const listing = (dir: string) => readdirSync(dir).sort().map((f) => `${f}:${statSync(join(dir, f)).size}`);

describe('backup archives', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-backup-unit-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let config: HearthConfig;
  let archive: string;
  let manifest: BackupManifest;
  let n = 0;
  const fresh = () => join(dir, `t${++n}`);

  before(async () => {
    config = loadConfig(['--data', join(dir, 'data')], {}, { cwd: dir }).config;
    config.services.remote = { ...config.services.remote!, db: { url: 'libsql://db.example.invalid', sync_url: '', auth_token: '', sync_interval: 0 } } as HearthConfig['services'][string];
    mkdirSync(config.data, { recursive: true });
    await makeDb(join(config.data, 'notes.db'), 50);
    archive = join(dir, 'one.tar.gz');
    const seen: string[] = [];
    manifest = await writeBackup({ config, services: ['notes', 'ghost', 'remote'], out: archive, onProgress: (p) => seen.push(`${p.service} ${p.done}/${p.total}`) });
    assert.deepEqual(seen, ['remote 1/3', 'ghost 2/3', 'notes 3/3'], 'consumers (later in the list) first');
  });

  it('writes the manifest first, then each database, matching its checksum', async () => {
    assert.equal(statSync(archive).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.')), [], 'no temporary files left');
    assert.deepEqual(manifest.databases.map((d) => [d.service, d.head, d.schema]), [['notes', 50, { kit: KIT_MIGRATIONS.length, notes: 1 }]]);
    assert.deepEqual(manifest.skipped.map((s) => s.service), ['remote', 'ghost']);
    assert.match(manifest.skipped[0]!.reason, /db\.url libsql:\/\/db\.example\.invalid/);
    const into = fresh();
    mkdirSync(into);
    const read = await readArchive(archive, into);
    assert.deepEqual(read, manifest);
    const bytes = readFileSync(join(into, 'notes.db'));
    assert.equal(createHash('sha256').update(bytes).digest('hex'), manifest.databases[0]!.sha256);
  });

  it('refuses to write over an existing file, or an archive with nothing in it', async () => {
    await assert.rejects(writeBackup({ config, services: ['notes'], out: archive }), isBackupError('refused', /exists already/));
    await assert.rejects(writeBackup({ config, services: ['ghost'], out: join(dir, 'none.tar.gz') }), isBackupError('missing', /nothing to back up .*ghost: it has no database yet/));
    assert.ok(!readdirSync(dir).some((f) => f.includes('none.tar.gz')));
  });

  it('verifies a good archive, and leaves nothing behind', async () => {
    assert.deepEqual(await verifyBackup(archive), manifest);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.')), []);
  });

  it('encrypts with a passphrase, and refuses the wrong one or none', async () => {
    const enc = join(dir, 'enc.tar.gz.age');
    await writeBackup({ config, services: ['notes'], out: enc, passphrase: 'correct horse battery staple' });
    assert.match(readFileSync(enc).subarray(0, 80).toString('latin1'), /^age-encryption\.org\/v1\n-> scrypt \S+ 16\n/);
    await assert.rejects(verifyBackup(enc, { passphrase: 'wrong' }), isBackupError('passphrase', /wrong passphrase/));
    await assert.rejects(verifyBackup(enc), isBackupError('passphrase', /is encrypted/));
    assert.equal((await verifyBackup(enc, { passphrase: 'correct horse battery staple' })).databases[0]!.sha256, manifest.databases[0]!.sha256);
    const tampered = join(dir, 'tampered.tar.gz.age');
    const buf = readFileSync(enc);
    buf[buf.length - 100] ^= 0x01; // in the payload: its authentication fails
    writeFileSync(tampered, buf);
    await assert.rejects(verifyBackup(tampered, { passphrase: 'correct horse battery staple' }), isBackupError('damaged', /damaged/));
  });

  it('finds a flipped byte inside a database entry', async () => {
    // An uncompressed archive, so the flip lands in the database and not in gzip's stream.
    const plain = await plainTar(archive);
    const buf = readFileSync(plain);
    buf[512 * 3 + 2000] ^= 0xff; // manifest header + body (1 block) + the database's header, then into its pages
    writeFileSync(plain, buf);
    await assert.rejects(verifyBackup(plain), isBackupError('damaged', /notes\.db does not match its checksum/));
  });

  it('finds a flipped byte in the compressed stream', async () => {
    const bad = join(dir, 'flipped.tar.gz');
    const buf = readFileSync(archive);
    buf[Math.floor(buf.length / 2)] ^= 0xff;
    writeFileSync(bad, buf);
    await assert.rejects(verifyBackup(bad), isBackupError('damaged', /damaged/));
  });

  it('finds a cut archive', async () => {
    const cut = join(dir, 'cut.tar.gz');
    writeFileSync(cut, readFileSync(archive));
    truncateSync(cut, Math.floor(statSync(cut).size / 2));
    await assert.rejects(verifyBackup(cut), isBackupError('damaged', /damaged|incomplete/));
  });

  it('refuses garbage, an empty file and a missing one', async () => {
    const garbage = join(dir, 'garbage.bin');
    writeFileSync(garbage, Buffer.alloc(4096, 7));
    await assert.rejects(verifyBackup(garbage), isBackupError('damaged', /is not a Hearth backup/));
    const empty = join(dir, 'empty.tar.gz');
    writeFileSync(empty, '');
    await assert.rejects(verifyBackup(empty), isBackupError('damaged', /is not a Hearth backup/));
    await assert.rejects(verifyBackup(join(dir, 'nope.tar.gz')), isBackupError('missing', /no such file/));
  });

  it('refuses a tar whose first entry is not a manifest, or with an entry the manifest does not list', async () => {
    const foreign = join(dir, 'foreign.tar.gz');
    await writeTar(foreign, [['notes.db', Buffer.from('hello')]]);
    await assert.rejects(verifyBackup(foreign), isBackupError('damaged', /first entry is "notes\.db"/));
    const stray = join(dir, 'stray.tar.gz');
    await writeTar(stray, [['manifest.json', Buffer.from(JSON.stringify({ ...manifest, databases: [] }))], ['../evil.db', Buffer.from('x')]]);
    await assert.rejects(verifyBackup(stray), isBackupError('damaged', /unexpected entry "\.\.\/evil\.db"/));
  });

  describe('installRestore', () => {
    const staged = async () => {
      const s = fresh();
      mkdirSync(s);
      await readArchive(archive, s);
      return s;
    };
    const target = (data: string): HearthConfig => ({ ...config, data, services: {} });

    it('installs into a new directory and says what it restored', async () => {
      const data = fresh();
      const out = sink();
      const restored = await installRestore({ config: target(data), builtins, staging: await staged(), force: false, out });
      assert.deepEqual(restored.map((r) => [r.service, r.head, r.schema]), [['notes', 50, { kit: KIT_MIGRATIONS.length, notes: 1 }]]);
      // Stamped: its log begins a new epoch at the restored head (kit stampRestore).
      const c = await openFile(join(data, 'notes.db'));
      const epochs = (await c.execute('SELECT id, base FROM kit_epochs ORDER BY position')).rows.map((r) => [r.id, r.base]);
      c.close();
      assert.deepEqual(epochs, [[manifest.databases[0]!.epoch, 0], [restored[0]!.epoch, 50]]);
      assert.deepEqual(readdirSync(data).filter((f) => f.endsWith('.db')), ['notes.db']);
      assert.match(out.text(), /restored\s+notes\s+50 events/);
    });

    it('refuses a directory holding service databases without force, and leaves it as it was', async () => {
      const data = fresh();
      mkdirSync(data);
      writeFileSync(join(data, 'notes.db'), 'old');
      writeFileSync(join(data, 'notes.db-wal'), 'old wal');
      const before = listing(data);
      await assert.rejects(installRestore({ config: target(data), builtins, staging: await staged(), force: false, out: sink() }), isBackupError('refused', /already holds service databases \(notes\.db, notes\.db-wal\).*--force/));
      assert.deepEqual(listing(data), before);
    });

    it('with force, moves the files it replaces aside (their -wal too)', async () => {
      const data = fresh();
      mkdirSync(data);
      writeFileSync(join(data, 'notes.db'), 'old');
      writeFileSync(join(data, 'notes.db-wal'), 'old wal');
      await installRestore({ config: target(data), builtins, staging: await staged(), force: true, out: sink() });
      const aside = readdirSync(data).find((f) => f.startsWith('replaced-'))!;
      assert.deepEqual(readdirSync(join(data, aside)).sort(), ['notes.db', 'notes.db-wal']);
      assert.equal(readFileSync(join(data, aside, 'notes.db-wal'), 'utf8'), 'old wal');
      assert.ok(statSync(join(data, 'notes.db')).size > 1000);
    });

    it('refuses while a Hearth holds the data directory', async () => {
      const data = fresh();
      mkdirSync(data);
      const lock = await takeLock(data);
      try {
        await assert.rejects(installRestore({ config: target(data), builtins, staging: await staged(), force: true, out: sink() }), isBackupError('refused', /Hearth is running on .* \(pid \d+\)/));
      } finally {
        lock.release();
      }
    });

    it('refuses a database with a migration this build does not have, naming both', async () => {
      const s = fresh();
      mkdirSync(s);
      await makeDb(join(s, 'notes.db'), 3, "INSERT INTO kit_migrations (scope, version, name, applied_at) VALUES ('notes', 2, 'tags', '2027-01-01')");
      const data = fresh();
      await assert.rejects(installRestore({ config: target(data), builtins, staging: s, force: false, out: sink() }), isBackupError('schema', /notes's database has notes migration 2 "tags".*knows notes up to migration 1 "init"/));
      assert.deepEqual(readdirSync(data), [], 'nothing installed');
    });

    it('refuses a database of a service this build does not have', async () => {
      const s = fresh();
      mkdirSync(s);
      await makeDb(join(s, 'mystery.db'), 1);
      await assert.rejects(installRestore({ config: target(fresh()), builtins, staging: s, force: false, out: sink() }), isBackupError('schema', /"mystery", a service this Hearth does not have/));
    });
  });

  /** The archive without its gzip layer. */
  async function plainTar(from: string): Promise<string> {
    const to = join(dir, `plain${++n}.tar`);
    const { execFileSync } = await import('node:child_process');
    writeFileSync(to, execFileSync('gzip', ['-dc', from], { maxBuffer: 1 << 30 }));
    return to;
  }
});

/** A tar.gz with the given entries, in order. */
async function writeTar(path: string, entries: [string, Buffer][]): Promise<void> {
  const pack = tar.pack();
  for (const [name, body] of entries) pack.entry({ name }, body);
  pack.finalize();
  const { createWriteStream } = await import('node:fs');
  await pipeline(Readable.from(pack), createGzip(), createWriteStream(path));
}
