/**
 * An erased row is gone from the disk: `secure_delete` overwrites its bytes in the file, and
 * `checkpoint()` empties the write-ahead log, which otherwise keeps the old pages. Without
 * either, the text is still in `*.db` or `*.db-wal` after the DELETE (what #17 found).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createClient } from '@libsql/client';
import { openDb } from './open.ts';

const dir = mkdtempSync(join(tmpdir(), 'hearth-scrub-'));
const SECRET = 'ann.lovelace@example.org';

function holds(file: string): boolean {
  return existsSync(file) && readFileSync(file).includes(Buffer.from(SECRET));
}

describe('erasure on disk', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves no byte of a deleted row in the file or the WAL once checkpointed', async () => {
    const path = join(dir, 'people.db');
    const db = await openDb({ path, service: 'people' });
    try {
      await db.write(async (tx) => void (await tx.execute('CREATE TABLE people (id INTEGER PRIMARY KEY, email TEXT)')));
      // Enough rows to spread over several pages; the secret in one of them.
      await db.write(async (tx) => {
        for (let i = 0; i < 400; i++) await tx.execute('INSERT INTO people (email) VALUES (?)', [i === 200 ? SECRET : `someone-${i}@example.org`]);
      });
      await db.checkpoint();
      assert.ok(holds(path), 'the row is in the file before its deletion');
      await db.write((tx) => tx.execute('DELETE FROM people WHERE email = ?', [SECRET]));
      assert.ok(holds(`${path}-wal`) || holds(path), 'before a checkpoint the old page is still on disk');
      await db.checkpoint();
      assert.equal(holds(path), false, 'the file no longer holds it');
      assert.equal(holds(`${path}-wal`), false, 'the WAL no longer holds it');
      assert.equal((await db.query('SELECT count(*) AS n FROM people'))[0]!.n, 399, 'the other rows are all there');
    } finally {
      db.close();
    }
  });

  it('empties the WAL at a checkpoint', async () => {
    const path = join(dir, 'wal.db');
    const db = await openDb({ path, service: 'wal' });
    try {
      await db.write(async (tx) => void (await tx.execute('CREATE TABLE t (x TEXT)')));
      await db.write((tx) => tx.execute('INSERT INTO t VALUES (?)', ['x'.repeat(10_000)]));
      await db.checkpoint();
      assert.equal(readFileSync(`${path}-wal`).length, 0);
    } finally {
      db.close();
    }
  });

  it('gives way to a reader holding an old snapshot (as Litestream does), and finishes once it is gone', async () => {
    const path = join(dir, 'held.db');
    const db = await openDb({ path, service: 'held' });
    // Another process's reader, as Litestream is: its own connection to the file.
    const reader = createClient({ url: pathToFileURL(path).href });
    try {
      await db.write(async (tx) => void (await tx.execute('CREATE TABLE t (x TEXT)')));
      const snapshot = await reader.transaction('read');
      await snapshot.execute('SELECT count(*) FROM t'); // the read transaction now holds its snapshot
      await db.write((tx) => tx.execute('INSERT INTO t VALUES (?)', [SECRET]));
      await db.checkpoint(); // must return (within its 100 ms wait), not hold writes for the 5 s busy timeout
      await db.write((tx) => tx.execute('DELETE FROM t'));
      assert.ok(readFileSync(`${path}-wal`).length > 0, 'the WAL could not be emptied under the reader');
      snapshot.close();
      await db.checkpoint();
      assert.equal(readFileSync(`${path}-wal`).length, 0);
      assert.equal(holds(path), false);
    } finally {
      reader.close();
      db.close();
    }
  });
});
