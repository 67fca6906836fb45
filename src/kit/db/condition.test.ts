/**
 * Storage failures met by a real libSQL database at run time become typed errors and a
 * condition the service reports: SQLITE_FULL (made here with `PRAGMA max_page_count`) is
 * `storage.full` until a write succeeds again; damage met by an operation is
 * `storage.corrupt`, after which nothing more is read from the file.
 */
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AppError } from '../errors.ts';
import { openDb } from './open.ts';

const dir = mkdtempSync(join(tmpdir(), 'hearth-condition-'));

describe('storage condition', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('turns SQLITE_FULL into storage.full, and clears it when a write succeeds again', async () => {
    const path = join(dir, 'full.db');
    const db = await openDb({ path, service: 'notes' });
    try {
      await db.write(async (tx) => void (await tx.execute('CREATE TABLE notes (body TEXT)')));
      const [{ page_count: pages }] = (await db.client.execute('PRAGMA page_count')).rows as unknown as { page_count: number }[];
      await db.client.execute(`PRAGMA max_page_count = ${pages}`); // this connection may not grow the file
      const err = await db.write((tx) => tx.execute('INSERT INTO notes VALUES (?)', ['x'.repeat(20_000)])).catch((e: unknown) => e);
      assert.ok(err instanceof AppError, String(err));
      assert.deepEqual([err.kind, err.code], ['insufficient_storage', 'storage.full']);
      assert.match(err.message, /notes service cannot write/);
      assert.deepEqual(err.details, { service: 'notes', file: path });
      assert.equal(db.storage.state, 'full');
      assert.ok(db.storage.reason.includes(path));
      await db.client.execute('PRAGMA max_page_count = 1073741823'); // space is back
      await db.probeSpace();
      assert.equal(db.storage.state, 'ok');
      assert.equal((await db.query('SELECT count(*) AS n FROM notes'))[0]!.n, 0);
    } finally {
      db.close();
    }
  });

  it('turns damage met by a read into storage.corrupt, and reads nothing more', async () => {
    const path = join(dir, 'damaged.db');
    const db = await openDb({ path, service: 'notes' });
    await db.write(async (tx) => {
      await tx.execute('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
      for (let i = 0; i < 400; i++) await tx.execute('INSERT INTO notes (body) VALUES (?)', [`note ${i} the-marker-${i}`]);
    });
    await db.client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
    db.close();
    const at = readFileSync(path).indexOf(Buffer.from('the-marker-200'));
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.from([0x07, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x42]), 0, 8, at - (at % 4096));
    closeSync(fd);

    const again = await openDb({ path, service: 'notes' });
    try {
      const err = await again.query('SELECT * FROM notes').catch((e: unknown) => e);
      assert.ok(err instanceof AppError, String(err));
      assert.deepEqual([err.kind, err.code], ['unavailable', 'storage.corrupt']);
      assert.equal(again.storage.state, 'corrupt');
      assert.match(again.storage.reason, /restore the file from a backup/);
      const next = await again.query('SELECT 1').catch((e: unknown) => e);
      assert.equal((next as AppError).code, 'storage.corrupt', 'refused without touching the file');
      assert.equal(((await again.write(async () => 1).catch((e: unknown) => e)) as AppError).code, 'storage.corrupt');
    } finally {
      again.close();
    }
  });
});
