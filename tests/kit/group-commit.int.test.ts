/**
 * Group commit on a real libSQL file: jobs submitted while a write is under way share the
 * next transaction; a job that throws rolls back alone (its savepoint) and the others
 * commit; answers come only after the commit.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GroupCommit, openDb } from '../../src/kit/index.ts';
import { useTempDir } from '../support/test-file.ts';

describe('kit: group commit', () => {
  const dir = useTempDir('group-commit');

  it('shares transactions between concurrent jobs and rolls back a failing one alone', async () => {
    const db = await openDb({ path: join(dir, 'gc.db') });
    await db.write((tx) => tx.execute('CREATE TABLE t (n INTEGER PRIMARY KEY, txid INTEGER)'));
    const commits = new GroupCommit(db);
    let writes = 0;
    const write = db.write.bind(db);
    db.write = ((fn: Parameters<typeof db.write>[0]) => (writes++, write(fn))) as typeof db.write;
    const jobs = Array.from({ length: 50 }, (_, n) =>
      commits.submit(async (tx) => {
        await tx.execute('INSERT INTO t (n, txid) VALUES (?, ?)', [n, writes]);
        if (n === 7) throw new Error('job 7 fails');
        return n;
      }),
    );
    const settled = await Promise.allSettled(jobs);
    assert.equal(settled.filter((s) => s.status === 'rejected').length, 1);
    assert.equal((settled[7] as PromiseRejectedResult).reason.message, 'job 7 fails');
    assert.deepEqual(settled.filter((s) => s.status === 'fulfilled').map((s) => (s as PromiseFulfilledResult<number>).value), [...Array(50).keys()].filter((n) => n !== 7));
    const rows = await db.query('SELECT n FROM t ORDER BY n');
    assert.deepEqual(rows.map((r) => Number(r.n)), [...Array(50).keys()].filter((n) => n !== 7), 'job 7 rolled back alone');
    assert.ok(writes <= 3, `50 concurrent jobs took ${writes} transactions`);
    db.close();
  });
});
