/**
 * Consumer catch-up: `ledger` (in this process) holds N committed and published events;
 * a fresh `tally` starts (`runService`, an empty database) and reads them from ledger's
 * log over the broker (`log.ledger.read`, pages of LOG_READ_MAX), applying each page with
 * its checkpoint in one transaction. The clock runs from the `runService` call — so
 * tally's own start (open, migrate, connect) is inside it — until the stored checkpoint
 * reaches ledger's head. The baseline, in the same run, does the same work with no kit and
 * no broker: it reads the same pages straight from ledger's file, decodes each event's
 * data, and writes (seq, id) rows plus a checkpoint per page into a plain WAL file with
 * synchronous=FULL.
 */
import { join } from 'node:path';
import type { Client } from '@libsql/client';
import { decode, LOG_READ_MAX, readCheckpoint, runService } from '../../src/kit/index.ts';
import { EntryAdded } from '../kit-service/contracts.ts';
import ledger from '../kit-service/ledger.ts';
import tally from '../kit-service/tally.ts';
import { log, median, rawDb, scaled, serviceLog } from './kit-support.ts';
import { waitFor } from '../support/poll.ts';

/** What the catch-up part measured (medians). */
export interface CatchupResult {
  events: number;
  rounds: number;
  rawPerSec: number;
  kitPerSec: number;
  /** How long tally took to start against an empty ledger (the fixed part inside kitPerSec's time). */
  emptyStartMs: number;
}

const ROUNDS = 3;

/** The baseline: copies the log into `target` page by page; returns seconds. */
async function rawCatchUp(source: Client, target: Client, head: number): Promise<number> {
  const t0 = performance.now();
  await target.execute('CREATE TABLE applied (seq INTEGER NOT NULL, id TEXT NOT NULL)');
  await target.execute('CREATE TABLE checkpoints (source TEXT PRIMARY KEY, seq INTEGER NOT NULL, updated_at TEXT NOT NULL)');
  let cp = 0;
  while (cp < head) {
    const { rows } = await source.execute({ sql: 'SELECT * FROM kit_events WHERE seq > ? ORDER BY seq LIMIT ?', args: [cp, LOG_READ_MAX] });
    const tx = await target.transaction('write');
    for (const r of rows) {
      decode(new Uint8Array(r.data as ArrayBuffer));
      await tx.execute({ sql: 'INSERT INTO applied (seq, id) VALUES (?, ?)', args: [r.seq, r.id] });
      cp = Number(r.seq);
    }
    await tx.execute({
      sql: 'INSERT INTO checkpoints (source, seq, updated_at) VALUES (?, ?, ?) ON CONFLICT (source) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at',
      args: ['ledger', cp, new Date().toISOString()],
    });
    await tx.commit();
    tx.close();
  }
  return (performance.now() - t0) / 1000;
}

/** Starts a fresh tally on `path` and waits until it has applied `head` events; returns seconds. */
async function kitCatchUp(url: string, path: string, head: number): Promise<number> {
  const t0 = performance.now();
  const svc = await runService(tally, { broker: { url }, db: { path }, log: serviceLog, catchupMs: 60_000 });
  try {
    await waitFor(`tally's checkpoint to reach ${head}`, async () => (await readCheckpoint(svc.db, 'ledger')) >= head, { timeoutMs: 60_000, everyMs: 5 });
    const seconds = (performance.now() - t0) / 1000;
    const [row] = await svc.db.query('SELECT count(*) AS n FROM applied');
    if (Number(row!.n) !== head) throw new Error(`tally applied ${String(row!.n)} events, not ${head}`);
    return seconds;
  } finally {
    await svc.stop();
  }
}

/** Runs the catch-up part against the broker at `url`, in `dir`. */
export async function catchUp(url: string, dir: string): Promise<CatchupResult> {
  const events = scaled(20_000, LOG_READ_MAX);
  const src = await runService(ledger, { broker: { url }, db: { path: join(dir, 'ledger.db') }, log: serviceLog });
  const reader = await rawDb(join(dir, 'ledger.db'));
  try {
    const emptyStartMs = (await kitCatchUp(url, join(dir, 'tally-empty.db'), 0)) * 1000;
    // AddMany's transaction, 1,000 events at a time.
    for (let done = 0; done < events; done += 1000) {
      await src.db.write(async (tx) => {
        for (let i = 0; i < Math.min(1000, events - done); i++) {
          const e = await src.events.append(tx, EntryAdded, { key: 'k', amount: 1 });
          await tx.execute('INSERT INTO entries (seq, key, amount) VALUES (?, ?, 1)', [e.seq, 'k']);
        }
      });
    }
    const head = await src.events.head();
    // Everything published first, so tally reads the log rather than racing live events.
    await waitFor('the relay to publish the log', async () => Number((await src.db.query('SELECT published FROM kit_relay'))[0]!.published) >= head, { timeoutMs: 60_000, everyMs: 5 });
    const raw: number[] = [];
    const kit: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const target = await rawDb(join(dir, `raw-${r}.db`));
      try {
        raw.push(head / (await rawCatchUp(reader, target, head)));
      } finally {
        target.close();
      }
      kit.push(head / (await kitCatchUp(url, join(dir, `tally-${r}.db`), head)));
    }
    log(`  catch-up of ${head} events: raw ${median(raw).toFixed(0)}/s, tally ${median(kit).toFixed(0)}/s (start on an empty log ${emptyStartMs.toFixed(0)} ms)`);
    return { events: head, rounds: ROUNDS, rawPerSec: median(raw), kitPerSec: median(kit), emptyStartMs };
  } finally {
    reader.close();
    await src.stop();
  }
}
