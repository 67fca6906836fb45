/**
 * A local file on libSQL's own driver with cached statements (local.ts, local-file.ts)
 * answers as `@libsql/client` does on the same file: rows by column name, integers as
 * numbers (a RangeError beyond 2^53), blobs as ArrayBuffer, rowsAffected and
 * lastInsertRowid, RETURNING, error codes. A cached statement stays right after an error,
 * after the schema changes under it, and past the cache's bound; a transaction SQLite
 * ended by itself refuses further statements instead of running them in autocommit; a
 * cached read holds no snapshot once answered (a checkpoint still empties the WAL).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createClient, type InArgs } from '@libsql/client';
import { openDb } from './open.ts';

const dir = mkdtempSync(join(tmpdir(), 'hearth-local-'));

/** What a result holds, as plain data (rows by their enumerable columns). */
function plain(rs: { rows: object[]; rowsAffected: number; lastInsertRowid: bigint | undefined }) {
  return { rows: rs.rows.map((r) => ({ ...r })), rowsAffected: rs.rowsAffected, lastInsertRowid: rs.lastInsertRowid };
}

describe('local database file (libSQL driver, cached statements)', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('answers every statement as @libsql/client does', async () => {
    const path = join(dir, 'same.db');
    const db = await openDb({ path, service: 'same' });
    const steps: [string, InArgs?][] = [
      ['CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n INTEGER, r REAL, b BLOB, z)'],
      ['INSERT INTO t (name, n, r, b, z) VALUES (?, ?, ?, ?, ?)', ['Ann', 42, 1.5, new Uint8Array([1, 2, 3]).buffer, null]],
      ['INSERT INTO t (name, n, r, b, z) VALUES (:name, $n, @r, :b, :z)', { ':name': 'Zoë', $n: 2 ** 52, '@r': -0.25, ':b': new ArrayBuffer(0), ':z': true }],
      ['INSERT INTO t (name, n) VALUES (?, ?)', ['big', 2n ** 40n]],
      ['SELECT * FROM t ORDER BY id'],
      ['SELECT count(*) AS c, sum(n) AS s, max(name) FROM t'],
      ['UPDATE t SET n = n + 1 WHERE id < ?', [3]],
      ['UPDATE t SET r = 2 WHERE id = ? RETURNING id, r', [1]],
      ['DELETE FROM t WHERE id = ?', [99]],
      ['SELECT name FROM t WHERE id = ?', [99]],
      ['PRAGMA user_version'],
    ];
    const mine: unknown[] = [];
    try {
      await db.write(async (tx) => {
        for (const [sql, args] of steps.slice(0, 4)) mine.push(plain(await tx.execute(sql, args)));
      });
      for (const [sql, args] of steps.slice(4)) {
        mine.push(plain(await db.write((tx) => tx.execute(sql, args))));
        mine.push((await db.query(sql, args)).map((r) => ({ ...r })));
      }
    } finally {
      db.close();
    }
    rmSync(path);
    const client = createClient({ url: `file:${path}`, intMode: 'number' });
    const theirs: unknown[] = [];
    try {
      for (const [sql, args] of steps.slice(0, 4)) theirs.push(plain(await client.execute({ sql, args: args ?? [] })));
      for (const [sql, args] of steps.slice(4)) {
        theirs.push(plain(await client.execute({ sql, args: args ?? [] })));
        theirs.push((await client.execute({ sql, args: args ?? [] })).rows.map((r) => ({ ...r })));
      }
    } finally {
      client.close();
    }
    assert.deepEqual(mine, theirs);
    const blob = (mine[4] as { rows: { b: unknown }[] }).rows[0]!.b;
    assert.ok(blob instanceof ArrayBuffer && blob.byteLength === 3, 'a blob is an ArrayBuffer of its own length');
  });

  it('refuses an integer beyond 2^53 and arguments it cannot store, as @libsql/client does', async () => {
    const db = await openDb({ path: join(dir, 'ints.db'), service: 'ints' });
    try {
      await db.write(async (tx) => {
        await tx.execute('CREATE TABLE t (n INTEGER)');
        await tx.execute('INSERT INTO t VALUES (?)', [2n ** 60n]);
      });
      await assert.rejects(db.query('SELECT n FROM t'), RangeError);
      await assert.rejects(db.query('SELECT ?', [Number.NaN]), RangeError);
      await assert.rejects(db.query('SELECT ?', [undefined as unknown as null]), TypeError);
      await assert.rejects(db.query('SELECT ?', [2n ** 64n]), RangeError);
    } finally {
      db.close();
    }
  });

  it('keeps a cached statement right after an error, a schema change and past the cache bound', async () => {
    const db = await openDb({ path: join(dir, 'cache.db'), service: 'cache' });
    try {
      await db.write((tx) => tx.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)'));
      const insert = (id: number) => db.write((tx) => tx.execute('INSERT INTO t (id, a) VALUES (?, ?)', [id, `a${id}`]));
      await insert(1);
      const err = await insert(1).catch((e: unknown) => e);
      assert.deepEqual([(err as { code?: string }).code, (err as { extendedCode?: string }).extendedCode], ['SQLITE_CONSTRAINT', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
      await insert(2);
      assert.deepEqual((await db.query('SELECT * FROM t ORDER BY id')).map((r) => ({ ...r })), [{ id: 1, a: 'a1' }, { id: 2, a: 'a2' }]);
      await db.write((tx) => tx.executeMultiple('ALTER TABLE t ADD COLUMN b TEXT; UPDATE t SET b = a;'));
      assert.deepEqual((await db.query('SELECT * FROM t ORDER BY id')).map((r) => ({ ...r })), [{ id: 1, a: 'a1', b: 'a1' }, { id: 2, a: 'a2', b: 'a2' }]);
      for (let i = 0; i < 450; i++) assert.equal((await db.query(`SELECT ? + ${i} AS n`, [1]))[0]!.n, i + 1);
      assert.equal((await db.query('SELECT count(*) AS n FROM t'))[0]!.n, 2);
    } finally {
      db.close();
    }
  });

  it('reads the last commit, not the write in progress, and refuses statements once SQLite ended the transaction', async () => {
    const db = await openDb({ path: join(dir, 'tx.db'), service: 'tx' });
    try {
      await db.write((tx) => tx.execute('CREATE TABLE t (n INTEGER)'));
      await db.write(async (tx) => {
        await tx.execute('INSERT INTO t VALUES (1)');
        assert.equal((await tx.query('SELECT count(*) AS n FROM t'))[0]!.n, 1, 'the transaction sees its own write');
        assert.equal((await db.query('SELECT count(*) AS n FROM t'))[0]!.n, 0, 'a read does not');
      });
      assert.equal((await db.query('SELECT count(*) AS n FROM t'))[0]!.n, 1);
      const err = await db
        .write(async (tx) => {
          await tx.execute('INSERT INTO t VALUES (2)');
          await tx.execute('ROLLBACK'); // as SQLite does by itself on some errors
          await tx.execute('INSERT INTO t VALUES (3)');
        })
        .catch((e: unknown) => e);
      assert.equal((err as { code?: string }).code, 'TRANSACTION_CLOSED');
      assert.deepEqual((await db.query('SELECT n FROM t')).map((r) => r.n), [1], 'nothing after the end was committed');
      await db.write((tx) => tx.execute('INSERT INTO t VALUES (4)'));
      assert.deepEqual((await db.query('SELECT n FROM t ORDER BY n')).map((r) => r.n), [1, 4]);
    } finally {
      db.close();
    }
    await assert.rejects(db.query('SELECT 1'), /closed/);
  });

  it('holds no snapshot after a cached read, so a checkpoint still empties the WAL', async () => {
    const path = join(dir, 'wal.db');
    const db = await openDb({ path, service: 'wal' });
    try {
      await db.write((tx) => tx.execute('CREATE TABLE t (x TEXT)'));
      for (let i = 0; i < 3; i++) {
        await db.write((tx) => tx.execute('INSERT INTO t VALUES (?)', ['x'.repeat(5000)]));
        assert.equal((await db.query('SELECT count(*) AS n FROM t'))[0]!.n, i + 1);
        assert.equal((await db.query('SELECT x FROM t LIMIT 1')).length, 1);
      }
      await db.checkpoint();
      assert.equal(readFileSync(`${path}-wal`).length, 0);
    } finally {
      db.close();
    }
  });
});
