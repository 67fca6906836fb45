/**
 * A consumer (`tally`) of another service's events (`ledger`), both in this process on a
 * real broker: catching up on 10,000 events it missed, live events, duplicates, gaps and
 * bad messages. Tally's idle catch-up is set to a minute, so anything applied within
 * seconds came through the live path or a catch-up the consumer chose to make.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import { encode, EventLog, healthOp, logReadOp, openDb, Requester, type RunningService } from '../../src/kit/index.ts';
import { AddEntry, AddMany, EntryAdded, GetTally } from '../kit-service/contracts.ts';
import ledger from '../kit-service/ledger.ts';
import tally from '../kit-service/tally.ts';
import { client, useBroker } from '../support/broker.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { startService } from '../support/service.ts';
import { waitFor } from '../support/poll.ts';

describe('a consumer of another service\u2019s events', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('consumer');
  const ledgerDb = join(dir, 'ledger.db');
  const tallyDb = join(dir, 'tally.db');
  const startLedger = () => startService(ledger, broker().url, ledgerDb);
  const startTally = () => startService(tally, broker().url, tallyDb, { catchupMs: 60_000 });
  let l: RunningService;
  let t: RunningService | undefined;
  let nc: NatsConnection;
  let req: Requester;

  before(async () => {
    l = await startLedger();
    nc = await client(broker().url);
    req = new Requester(nc, { timeoutMs: 20_000, maxRequestBytes: 1 << 16 });
  });
  after(async () => {
    await t?.stop();
    await l?.stop();
    await nc?.close();
  });

  const tallied = () => req.request(GetTally, {});
  const untilApplied = (n: number, timeoutMs = 5000) =>
    waitFor(`tally to apply ${n} events`, async () => {
      const s = await tallied();
      return s.applied >= n && s;
    }, timeoutMs);

  it('catches up completely on 10,000 events committed while it was stopped, applying each once', async () => {
    t = await startTally();
    await t.stop();
    for (let i = 0; i < 4; i++) await req.request(AddMany, { key: 'bulk', count: 2500 });
    t = await startTally();
    const s = await untilApplied(10_000, 30_000);
    assert.deepEqual(s, { applied: 10_000, distinct: 10_000, duplicates: 0, checkpoint: 10_000 });
    const [row] = await t.db.query('SELECT min(seq) AS lo, max(seq) AS hi, count(DISTINCT seq) AS n FROM applied');
    assert.deepEqual({ ...row }, { lo: 1, hi: 10_000, n: 10_000 });
  });

  it('reports its checkpoint in its health answer', async () => {
    assert.deepEqual((await req.request(healthOp('tally'), {})).consumers, { ledger: 10_000 });
  });

  it('applies live events after catching up', async () => {
    const { seq } = await req.request(AddEntry, { key: 'live', amount: 1 });
    assert.equal(seq, 10_001);
    assert.deepEqual(await untilApplied(10_001), { applied: 10_001, distinct: 10_001, duplicates: 0, checkpoint: 10_001 });
  });

  it('does not apply an event delivered twice', async () => {
    const { events } = await req.request(logReadOp('ledger'), { after: 10_000, limit: 1 });
    nc.publish('evt.ledger.entry_added', encode(events[0]));
    await nc.flush(); // the broker has handed the duplicate on before the next request is sent
    await req.request(AddEntry, { key: 'live', amount: 1 });
    assert.deepEqual(await untilApplied(10_002), { applied: 10_002, distinct: 10_002, duplicates: 0, checkpoint: 10_002 });
  });

  it('catches up from the log when a live event shows a gap', async () => {
    // Three events the broker "lost": committed in ledger's log and recorded as published,
    // so the relay never sends them; tally first hears of them through the next event's seq.
    await l.stop();
    const db = await openDb({ path: ledgerDb });
    const log = new EventLog(db, 'ledger');
    await db.write(async (tx) => {
      for (let i = 0; i < 3; i++) {
        const e = await log.append(tx, EntryAdded, { key: 'lost', amount: 1 });
        await tx.execute('INSERT INTO entries (seq, key, amount) VALUES (?, ?, 1)', [e.seq, 'lost']);
      }
      await tx.execute('UPDATE kit_relay SET published = (SELECT max(seq) FROM kit_events)');
    });
    db.close();
    l = await startLedger();
    assert.equal((await tallied()).applied, 10_002, 'tally applied the lost events before the gap showed');

    const { seq } = await req.request(AddEntry, { key: 'after-gap', amount: 1 });
    assert.equal(seq, 10_006);
    assert.deepEqual(await untilApplied(10_006), { applied: 10_006, distinct: 10_006, duplicates: 0, checkpoint: 10_006 });
    const lost = await t!.db.query('SELECT seq FROM applied WHERE seq BETWEEN 10003 AND 10005 ORDER BY seq');
    assert.deepEqual(lost.map((r) => r.seq), [10_003, 10_004, 10_005]);
  });

  it('resumes from its stored checkpoint after a restart', async () => {
    await t!.stop();
    await req.request(AddMany, { key: 'while-down', count: 5 });
    t = await startTally();
    assert.deepEqual(await untilApplied(10_011), { applied: 10_011, distinct: 10_011, duplicates: 0, checkpoint: 10_011 });
  });

  // Last: a malformed event makes the consumer schedule a catch-up with backoff, which would
  // blur which path applied what in the tests above.
  it('keeps going after a malformed event', async () => {
    nc.publish('evt.ledger.entry_added', new Uint8Array([0xc1]));
    nc.publish('evt.ledger.entry_added', encode({ seq: 'x' }));
    await nc.flush();
    await req.request(AddEntry, { key: 'live', amount: 1 });
    assert.deepEqual(await untilApplied(10_012), { applied: 10_012, distinct: 10_012, duplicates: 0, checkpoint: 10_012 });
  });
});
