/**
 * `EventLog.erase` with a typed filter, field by field, on a real libSQL file: each field
 * selects what it says, fields combine with AND, a stream prefix is matched literally (`%`,
 * `_` and `\` are not wildcards), and an empty filter is refused.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as v from 'valibot';
import { event, EventLog, KIT_MIGRATIONS, migrate, openDb, type EraseFilter } from '../../src/kit/index.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';

const A = event('log', 'a', { version: 1, data: v.object({}) });
const B = event('log', 'b', { version: 1, data: v.object({}) });

/** seq → [type, stream, minute of 2030-01-01 00:0m] */
const EVENTS = [
  [A, 'scope:g1:u1', 1],
  [B, 'scope:g1:u1', 2],
  [A, 'scope:g1:u2', 3],
  [A, 'scope:g10:u1', 4],
  [B, 'scope_g1:u9', 5],
  [A, 'scope%g1:u9', 6],
  [A, 'chat:g1', 7],
  [B, 'x\\y:1', 8],
  [A, 'xzy:1', 9],
] as const;

describe('erasing events by a typed filter', { timeout: FILE_TIMEOUT }, () => {
  const dir = useTempDir('erase-filter');
  let n = 0;

  /** A fresh log holding EVENTS; returns the seqs left after `filter`, and how many went. */
  async function after(filter: EraseFilter): Promise<{ left: number[]; gone: number }> {
    const db = await openDb({ path: join(dir, `log-${n++}.db`) });
    try {
      await migrate(db, 'kit', KIT_MIGRATIONS);
      let minute = 0;
      const log = new EventLog(db, 'log', { now: () => Date.UTC(2030, 0, 1, 0, minute) });
      for (const [type, stream, m] of EVENTS) {
        minute = m;
        await db.write((tx) => log.append(tx, type, {}, { stream }));
      }
      const gone = await db.write((tx) => log.erase(tx, filter));
      return { left: (await log.read(0, 100)).map((e) => e.seq), gone };
    } finally {
      db.close();
    }
  }

  it('erases one stream', async () => {
    assert.deepEqual(await after({ stream: 'scope:g1:u1' }), { left: [3, 4, 5, 6, 7, 8, 9], gone: 2 });
  });

  it('erases by a stream prefix, matched literally', async () => {
    assert.deepEqual((await after({ streamPrefix: 'scope:g1:' })).left, [4, 5, 6, 7, 8, 9], 'not scope:g10, not scope_g1 or scope%g1');
    assert.deepEqual((await after({ streamPrefix: 'scope_' })).left, [1, 2, 3, 4, 6, 7, 8, 9], '_ is no wildcard');
    assert.deepEqual((await after({ streamPrefix: 'scope%' })).left, [1, 2, 3, 4, 5, 7, 8, 9], '% is no wildcard');
    assert.deepEqual((await after({ streamPrefix: 'x\\' })).left, [1, 2, 3, 4, 5, 6, 7, 9], 'a backslash is itself');
  });

  it('erases by type, named or as the contract declares it', async () => {
    assert.deepEqual((await after({ types: ['b'] })).left, [1, 3, 4, 6, 7, 9]);
    assert.deepEqual((await after({ types: [B] })).left, [1, 3, 4, 6, 7, 9]);
    assert.deepEqual((await after({ types: [] })).left, [1, 2, 3, 4, 5, 6, 7, 8, 9], 'no types: nothing');
  });

  it('erases what was stamped before a time', async () => {
    assert.deepEqual((await after({ before: new Date(Date.UTC(2030, 0, 1, 0, 3)).toISOString() })).left, [3, 4, 5, 6, 7, 8, 9]);
  });

  it('erases named seqs, and seqs after one', async () => {
    assert.deepEqual((await after({ seqs: [2, 5, 9, 42] })).left, [1, 3, 4, 6, 7, 8]);
    assert.deepEqual((await after({ seqs: [] })).left, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual((await after({ afterSeq: 6 })).left, [1, 2, 3, 4, 5, 6]);
    assert.deepEqual((await after({ afterSeq: 0 })).left, []);
  });

  it('erases many named seqs across statements', async () => {
    const seqs = Array.from({ length: 1200 }, (_, i) => i + 3); // more than one statement's worth
    assert.deepEqual(await after({ seqs }), { left: [1, 2], gone: 7 });
  });

  it('combines fields with AND and bounds a batch with limit, oldest first', async () => {
    assert.deepEqual((await after({ streamPrefix: 'scope:', types: [A] })).left, [2, 5, 6, 7, 8, 9]);
    assert.deepEqual(await after({ types: [A], before: new Date(Date.UTC(2030, 0, 1, 0, 7)).toISOString(), limit: 2 }), { left: [2, 4, 5, 6, 7, 8, 9], gone: 2 });
  });

  it('refuses an empty filter', async () => {
    await assert.rejects(after({}), /erase needs a filter/);
  });
});
