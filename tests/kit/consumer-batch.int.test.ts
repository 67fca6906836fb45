/**
 * Live events applied in batches (es/live-batch.ts): what gathers while a step runs is
 * applied in one transaction, in seq order, each event once; a gap inside a batch applies
 * what came before it and sends the consumer to the log; a handler that throws mid-batch
 * rolls the batch back and the retry applies it whole. `batcher` records, per committed
 * transaction, the seqs it applied. To fill a batch on purpose, its handler holds the first
 * event's transaction open (a gate) while the test publishes the rest, and lets go once the
 * consumer's connection has received them all. The events are ones ledger committed without
 * publishing (written while it was stopped), so only the test publishes them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import { defineService, encode, EventLog, kitSubjects, logReadOp, on, openDb, Requester, type Envelope, type RunningService } from '../../src/kit/index.ts';
import { AddMany, EntryAdded } from '../kit-service/contracts.ts';
import ledger from '../kit-service/ledger.ts';
import { client, useBroker } from '../support/broker.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { startService } from '../support/service.ts';
import { waitFor } from '../support/poll.ts';

/** The seqs of each committed transaction, in commit order. */
const txns: number[][] = [];
const open = new WeakMap<object, number[]>();
/** The handler throws at this seq while `failures` > 0. */
let fail = { seq: 0, failures: 0 };
/** The handler waits at this seq until `release` is called. */
let gate: { seq: number; opened: Promise<void>; reached: boolean } | undefined;

const batcher = defineService({
  name: 'batcher',
  migrations: [{ version: 1, name: 'applied', sql: 'CREATE TABLE applied (n INTEGER PRIMARY KEY AUTOINCREMENT, seq INTEGER NOT NULL)' }],
  setup(svc) {
    svc.consume('ledger', {
      handlers: [
        on(EntryAdded, async (e, tx) => {
          if (gate?.seq === e.seq) {
            gate.reached = true;
            await gate.opened;
          }
          if (fail.seq === e.seq && fail.failures > 0) {
            fail.failures--;
            throw new Error(`batcher fails at ${e.seq} on purpose`);
          }
          // One closure per transaction (db/open.ts): it tells the transactions apart.
          let seqs = open.get(tx.afterCommit);
          if (!seqs) {
            const s: number[] = [];
            open.set(tx.afterCommit, (seqs = s));
            tx.afterCommit(() => void txns.push(s));
          }
          seqs.push(e.seq);
          await tx.execute('INSERT INTO applied (seq) VALUES (?)', [e.seq]);
        }),
      ],
    });
  },
});

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('a consumer applying live events in batches', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('consumer-batch');
  const ledgerDb = join(dir, 'ledger.db');
  let l: RunningService;
  let b: RunningService;
  let nc: NatsConnection;
  let req: Requester;
  let release: (() => void) | undefined;
  /** Requests for ledger's log seen on the broker (batcher's catch-ups, and the test's own). */
  let logReads = 0;

  before(async () => {
    l = await startService(ledger, broker().url, ledgerDb);
    b = await startService(batcher, broker().url, join(dir, 'batcher.db'), { catchupMs: 60_000 });
    nc = await client(broker().url);
    req = new Requester(nc, { timeoutMs: 20_000, maxRequestBytes: 1 << 16 });
    nc.subscribe(kitSubjects.logRead('ledger'), { callback: () => void logReads++ });
  });
  after(async () => {
    release?.();
    await b?.stop();
    await l?.stop();
    await nc?.close();
  });

  /** The seqs batcher applied, in the order it applied them. */
  const applied = async () => (await b.db.query('SELECT seq FROM applied ORDER BY n')).map((r) => Number(r.seq));
  const untilApplied = (head: number) => waitFor(`batcher to apply up to ${head}`, async () => ((await applied()).at(-1) === head ? applied() : undefined), 20_000);

  /** Commits `n` events in ledger's log that its relay never publishes; returns them. */
  async function unpublished(n: number): Promise<Envelope[]> {
    await l.stop();
    const db = await openDb({ path: ledgerDb });
    const log = new EventLog(db, 'ledger');
    const after = Number((await db.query('SELECT coalesce(max(seq), 0) AS h FROM kit_events'))[0]!.h);
    await db.write(async (tx) => {
      for (let i = 0; i < n; i++) {
        const e = await log.append(tx, EntryAdded, { key: 'quiet', amount: 1 });
        await tx.execute('INSERT INTO entries (seq, key, amount) VALUES (?, ?, 1)', [e.seq, 'quiet']);
      }
      await tx.execute('UPDATE kit_relay SET published = (SELECT max(seq) FROM kit_events)');
    });
    db.close();
    l = await startService(ledger, broker().url, ledgerDb);
    const { events } = await req.request(logReadOp('ledger'), { after, limit: n });
    await nc.flush();
    logReads = 0;
    return events;
  }

  /**
   * Publishes `first` and holds batcher's transaction for it open, publishes `rest`, waits
   * until batcher's connection has received them (they wait in its batch), then lets go.
   */
  async function gathered(first: Envelope, rest: Envelope[]): Promise<void> {
    const opened = new Promise<void>((r) => (release = r));
    const g = (gate = { seq: first.seq, opened, reached: false });
    nc.publish(`evt.ledger.${first.type}`, encode(first));
    await waitFor('batcher to hold the first event\u2019s transaction open', () => g.reached);
    const received = b.nc.stats().inMsgs;
    for (const e of rest) nc.publish(`evt.ledger.${e.type}`, encode(e));
    await nc.flush();
    await waitFor(`batcher to receive ${rest.length} events`, () => b.nc.stats().inMsgs >= received + rest.length);
    release!();
    gate = undefined;
  }

  it('applies a burst of live events in few transactions, each once and in seq order', async () => {
    txns.length = 0;
    const { head } = await req.request(AddMany, { key: 'burst', count: 1500 });
    assert.deepEqual(await untilApplied(head), range(1, head));
    assert.ok(txns.length < head / 10, `${txns.length} transactions for ${head} events`);
    assert.ok(txns.every((t) => t.length <= 256), 'at most 256 events a transaction');
    assert.deepEqual(txns.flat(), range(1, head));
  });

  it('applies live events that arrive out of order and twice in one transaction, in seq order, once each', async () => {
    const e = await unpublished(6);
    const s = e[0]!.seq;
    txns.length = 0;
    await gathered(e[0]!, [e[2]!, e[1]!, e[1]!, e[5]!, e[0]!, e[3]!, e[4]!, e[2]!]);
    assert.deepEqual((await untilApplied(s + 5)).slice(-6), range(s, s + 5));
    assert.deepEqual(txns, [[s], range(s + 1, s + 5)]);
    await nc.flush();
    assert.equal(logReads, 0, 'sorted in the batch, not read from the log');
  });

  it('applies what comes before a gap inside a batch, then reads the rest from the log', async () => {
    const e = await unpublished(6);
    const s = e[0]!.seq;
    txns.length = 0;
    // e[3] is never published: batcher first hears of it through e[4]'s seq.
    await gathered(e[0]!, [e[1]!, e[2]!, e[4]!, e[5]!]);
    assert.deepEqual((await untilApplied(s + 5)).slice(-6), range(s, s + 5));
    assert.deepEqual(txns, [[s], [s + 1, s + 2], [s + 3, s + 4, s + 5]]);
    await nc.flush();
    assert.equal(logReads, 1, 'one read of the log, for the gap');
  });

  it('rolls back a batch whose handler throws mid-way and applies it whole on the retry', async () => {
    const e = await unpublished(6);
    const s = e[0]!.seq;
    txns.length = 0;
    fail = { seq: s + 3, failures: 1 };
    await gathered(e[0]!, e.slice(1));
    const all = await untilApplied(s + 5);
    assert.equal(fail.failures, 0, 'the handler did throw');
    assert.deepEqual(all.slice(-6), range(s, s + 5), 'nothing of the failed batch was kept, nothing applied twice');
    assert.equal(new Set(all).size, all.length);
    // The retry reads the held-up events from the log: one page, one transaction.
    assert.deepEqual(txns, [[s], range(s + 1, s + 5)]);
  });
});
