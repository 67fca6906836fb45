/**
 * Erasing events from a log (retention, a user's right to erasure): sequence numbers are
 * never handed out twice, even when the newest events go; the relay does not stall on a
 * head that was erased; and a consumer catching up steps over the holes its producer's log
 * has, applying everything that is still there, once.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { EventLog, KIT_MIGRATIONS, migrate, openDb, Requester, type RunningService } from '../../src/kit/index.ts';
import { AddEntry, AddMany, EntryAdded, GetTally } from '../kit-service/contracts.ts';
import ledger from '../kit-service/ledger.ts';
import tally from '../kit-service/tally.ts';
import { client, useBroker } from '../support/broker.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { startService } from '../support/service.ts';
import { waitFor } from '../support/poll.ts';

describe('erasing events from a log', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('erasure');

  it('never reuses a seq, even after the newest events are erased', async () => {
    const db = await openDb({ path: join(dir, 'floor.db') });
    await migrate(db, 'kit', KIT_MIGRATIONS);
    const log = new EventLog(db, 'ledger');
    const add = () => db.write((tx) => log.append(tx, EntryAdded, { key: 'k', amount: 1 }));
    for (let i = 0; i < 5; i++) await add();
    const gone = await db.write((tx) => log.erase(tx, { afterSeq: 3 }));
    assert.equal(gone, 2);
    assert.equal(await log.head(), 5, 'the head counts what was handed out');
    assert.equal((await add()).seq, 6);
    await db.write((tx) => log.erase(tx, { afterSeq: 0 }));
    assert.equal((await add()).seq, 7, 'an emptied log goes on from its floor');
    assert.deepEqual((await log.read(0, 100)).map((e) => e.seq), [7]);
    db.close();
  });

  describe('with a producer and a consumer', () => {
    let l: RunningService;
    let t: RunningService | undefined;
    let req: Requester;
    let nc: Awaited<ReturnType<typeof client>>;

    before(async () => {
      l = await startService(ledger, broker().url, join(dir, 'ledger.db'));
      nc = await client(broker().url);
      req = new Requester(nc, { timeoutMs: 10_000, maxRequestBytes: 1 << 16 });
    });
    after(async () => {
      await t?.stop();
      await l?.stop();
      await nc?.close();
    });

    const untilApplied = (checkpoint: number) =>
      waitFor(`tally at ${checkpoint}`, async () => {
        const s = await req.request(GetTally, {});
        return s.checkpoint >= checkpoint && s;
      });

    it('catches up across holes in the middle and at the end of the log, applying what remains once', async () => {
      await req.request(AddMany, { key: 'k', count: 10 });
      await l.db.write((tx) => l.events.erase(tx, { seqs: [3, 4, 9, 10] }));
      t = await startService(tally, broker().url, join(dir, 'tally.db'), { catchupMs: 60_000 });
      const s = await untilApplied(8);
      assert.deepEqual(s, { applied: 6, distinct: 6, duplicates: 0, checkpoint: 8 });
      const rows = await t.db.query('SELECT seq FROM applied ORDER BY seq');
      assert.deepEqual(rows.map((r) => Number(r.seq)), [1, 2, 5, 6, 7, 8]);
    });

    it('takes the next live event after an erased head: a gap sends it to the log, which has the event', async () => {
      const { seq } = await req.request(AddEntry, { key: 'k', amount: 1 });
      assert.equal(seq, 11, 'seq 9 and 10 are not handed out again');
      const s = await untilApplied(11);
      assert.deepEqual(s, { applied: 7, distinct: 7, duplicates: 0, checkpoint: 11 });
    });

    it('keeps publishing after the not-yet-published head is erased', async () => {
      await l.db.write(async (tx) => {
        await l.events.append(tx, EntryAdded, { key: 'k', amount: 1 });
        await l.events.erase(tx, { seqs: [12] });
      });
      const { seq } = await req.request(AddEntry, { key: 'k', amount: 1 });
      assert.equal(seq, 13);
      assert.deepEqual(await untilApplied(13), { applied: 8, distinct: 8, duplicates: 0, checkpoint: 13 });
    });
  });
});
