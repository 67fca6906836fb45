/**
 * Outbox throughput: services running in this process (`runService`, each on its own
 * libSQL file, the in-process broker) while a plain NATS subscriber counts deliveries on
 * `evt.>`. Ways of writing (kit-outbox-writes.ts): AddEntry's transaction of the `ledger`
 * test service (event row + `totals` inline projection + entries row) written directly
 * through `svc.db.write` + `svc.events.append`, one or 100 events per transaction; the
 * event alone, 100 per transaction, on a service with no state; and AddEntry as real
 * requests over the broker, one at a time and 16 in flight. "Committed" stops the clock at
 * the last commit (or reply), "published" when the subscriber has every event. Direct
 * writes yield to I/O between transactions, as a service does between two requests:
 * libSQL's local calls are synchronous, so a loop that never yields would starve the relay
 * until it ends. The baseline, in the same run and loop: raw `@libsql/client` inserts of
 * a row with the same columns and sizes into a plain table of a WAL file with
 * synchronous=FULL, through the same `transaction('write')` calls — 100 rows per
 * transaction against the 100-event transactions, one row per transaction otherwise.
 */
import { join } from 'node:path';
import { connect } from 'nats';
import { Requester, runService, type RunningService } from '../../src/kit/index.ts';
import { AddEntry } from '../kit-service/contracts.ts';
import ledger from '../kit-service/ledger.ts';
import { addEntryRequest, deliveryCounter, eventsOnly, eventTx, ledgerTx, RAW_TABLE, rawWrites, writeCounter } from './kit-outbox-writes.ts';
import { log, median, rawDb, scaled, serviceLog, txSynchronous } from './kit-support.ts';
import { waitFor } from '../support/poll.ts';

/** One way of writing, measured over several rounds (medians). */
export interface RateRow {
  title: string;
  events: number;
  /** Rows per transaction of the raw baseline. */
  rawPerTx: number;
  rawPerSec: number;
  committedPerSec: number;
  /** Events through the broker to the subscriber per second, from the first write. */
  publishedPerSec: number;
  /** The service database's write transactions per event, the relay's included. */
  txPerEvent: number;
}

/** What the outbox part measured. */
export interface OutboxResult {
  /** `PRAGMA synchronous` on the write connections (2 = FULL). */
  synchronous: { outbox: number; raw: number };
  rows: RateRow[];
  rounds: number;
}

/** How one row writes: `write` appends `perCall` events on `svc`. */
interface Way {
  svc: RunningService;
  rawPerTx: number;
  perCall: number;
  write(): Promise<void>;
}

const ROUNDS = 3;
const IN_FLIGHT = 16;

/** Runs the outbox part against the broker at `url`, in `dir`. */
export async function outbox(url: string, dir: string): Promise<OutboxResult> {
  const svc = await runService(ledger, { broker: { url }, db: { path: join(dir, 'ledger.db') }, log: serviceLog });
  const bare = await runService(eventsOnly, { broker: { url }, db: { path: join(dir, 'bench.db') }, log: serviceLog });
  const nc = await connect({ servers: url });
  const raw = await rawDb(join(dir, 'raw.db'));
  try {
    await raw.execute(RAW_TABLE);
    const delivered = deliveryCounter(nc);
    await nc.flush();
    const requester = new Requester(nc, { timeoutMs: 10_000, maxRequestBytes: 65_536 });
    const seq = { next: 1 };
    const outboxSync = await svc.db.write(async (tx) => Number((await tx.execute('PRAGMA synchronous')).rows[0]!.synchronous));
    const synchronous = { outbox: outboxSync, raw: await txSynchronous(raw) };
    const writes = new Map([svc, bare].map((s) => [s, writeCounter(s)]));

    const runOutbox = async (title: string, way: Way, count: number) => {
      const base = delivered.count();
      const w0 = writes.get(way.svc)!.count();
      const t0 = performance.now();
      for (let done = 0; done < count; done += way.perCall) await way.write();
      const tCommit = performance.now();
      await waitFor(`${title}: delivery of ${count} events`, () => delivered.count() >= base + count, { timeoutMs: 60_000, everyMs: 1 });
      const tPublish = performance.now();
      await new Promise((r) => setTimeout(r, 20)); // the relay records its position after publishing
      return { commit: (tCommit - t0) / 1000, publish: (tPublish - t0) / 1000, txs: writes.get(way.svc)!.count() - w0 };
    };

    /** One way of writing: a warm-up, then ROUNDS rounds alternating raw and outbox. */
    const measure = async (title: string, wanted: number, way: Way): Promise<RateRow> => {
      const events = Math.ceil(wanted / way.perCall) * way.perCall; // whole calls
      const rawRates: number[] = [];
      const committed: number[] = [];
      const published: number[] = [];
      const txs: number[] = [];
      const warm = Math.ceil(events / 10 / way.perCall) * way.perCall;
      await rawWrites(raw, Math.ceil(warm / way.rawPerTx) * way.rawPerTx, way.rawPerTx, seq);
      await runOutbox(title, way, warm);
      for (let r = 0; r < ROUNDS; r++) {
        rawRates.push(events / (await rawWrites(raw, events, way.rawPerTx, seq)));
        const m = await runOutbox(title, way, events);
        committed.push(events / m.commit);
        published.push(events / m.publish);
        txs.push(m.txs / events);
      }
      const row = { title, events, rawPerTx: way.rawPerTx, rawPerSec: median(rawRates), committedPerSec: median(committed), publishedPerSec: median(published), txPerEvent: median(txs) };
      log(`  ${title}: raw ${row.rawPerSec.toFixed(0)}/s, committed ${row.committedPerSec.toFixed(0)}/s, published ${row.publishedPerSec.toFixed(0)}/s, ${row.txPerEvent.toFixed(2)} tx/event`);
      return row;
    };

    const add = async () => void (await requester.request(AddEntry, addEntryRequest));
    const rows = [
      await measure('ledger, direct, 1 event per transaction', scaled(2000), { svc, rawPerTx: 1, perCall: 1, write: () => ledgerTx(svc, 1) }),
      await measure('ledger, direct, 100 events per transaction', scaled(20_000, 100), { svc, rawPerTx: 100, perCall: 100, write: () => ledgerTx(svc, 100) }),
      await measure('event alone, direct, 100 per transaction', scaled(20_000, 100), { svc: bare, rawPerTx: 100, perCall: 100, write: () => eventTx(bare, 100) }),
      await measure('ledger, AddEntry requests one at a time', scaled(1500), { svc, rawPerTx: 1, perCall: 1, write: add }),
      await measure(`ledger, AddEntry requests ${IN_FLIGHT} in flight`, scaled(3000, IN_FLIGHT), {
        svc,
        rawPerTx: 1,
        perCall: IN_FLIGHT,
        write: async () => void (await Promise.all(Array.from({ length: IN_FLIGHT }, add))),
      }),
    ];
    return { synchronous, rows, rounds: ROUNDS };
  } finally {
    raw.close();
    await nc.close();
    await bare.stop();
    await svc.stop();
  }
}
