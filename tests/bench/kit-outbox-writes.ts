/**
 * The writes the outbox benchmark times, and its counters: raw rows, AddEntry's
 * transaction written directly, and the event alone on a service with no state and no
 * projection (what the outbox itself adds to one insert); deliveries seen by a plain
 * subscriber; and a service database's write transactions, the relay's included.
 */
import * as v from 'valibot';
import type { NatsConnection } from 'nats';
import type { Client } from '@libsql/client';
import { defineService, encode, event, uuidv7, type RunningService, type Tx } from '../../src/kit/index.ts';
import { EntryAdded } from '../kit-service/contracts.ts';

const KEY = 'bench-key';

/** Between transactions, as between two requests a service handles: the relay gets its turn. */
export const yieldToIo = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A service that only appends events: no tables of its own, no projection. */
export const eventsOnly = defineService({ name: 'bench', migrations: [], setup: () => undefined });

/** eventsOnly's event, with EntryAdded's data. */
export const Noted = event('bench', 'noted', { version: 1, data: v.object({ key: v.string(), amount: v.number() }) });

/** The raw baseline's table: kit_events' columns, no constraint or index but the key. */
export const RAW_TABLE =
  'CREATE TABLE raw_events (seq INTEGER PRIMARY KEY, id TEXT, type TEXT, version INTEGER, at TEXT, stream TEXT, correlation_id TEXT, causation_id TEXT, data BLOB)';

/** Writes `count` raw rows shaped like ledger's events, `perTx` per transaction; returns seconds. */
export async function rawWrites(c: Client, count: number, perTx: number, seq: { next: number }): Promise<number> {
  const t0 = performance.now();
  for (let done = 0; done < count; done += perTx) {
    const tx = await c.transaction('write');
    for (let i = 0; i < perTx; i++) {
      await tx.execute({
        sql: 'INSERT INTO raw_events (seq, id, type, version, at, stream, correlation_id, causation_id, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        args: [seq.next++, uuidv7(), EntryAdded.type, 1, new Date().toISOString(), `key:${KEY}`, '', '', encode({ key: KEY, amount: 1 })],
      });
    }
    await tx.commit();
    tx.close();
    await yieldToIo();
  }
  return (performance.now() - t0) / 1000;
}

/** AddEntry's transaction without the reply's read: event (+ totals projection) and entries row. */
export async function ledgerTx(svc: RunningService, perTx: number): Promise<void> {
  await svc.db.write(async (tx) => {
    for (let i = 0; i < perTx; i++) {
      const e = await svc.events.append(tx, EntryAdded, { key: KEY, amount: 1 }, { stream: `key:${KEY}` });
      await tx.execute('INSERT INTO entries (seq, key, amount) VALUES (?, ?, 1)', [e.seq, KEY]);
    }
  });
  await yieldToIo();
}

/** `perTx` events of eventsOnly in one transaction, nothing else. */
export async function eventTx(svc: RunningService, perTx: number): Promise<void> {
  await svc.db.write(async (tx) => {
    for (let i = 0; i < perTx; i++) await svc.events.append(tx, Noted, { key: KEY, amount: 1 }, { stream: `key:${KEY}` });
  });
  await yieldToIo();
}

/** AddEntry's request for the benchmark's key. */
export const addEntryRequest = { key: KEY, amount: 1 };

/** Counts the events any relay delivers on evt.>. */
export function deliveryCounter(nc: NatsConnection): { count(): number } {
  let n = 0;
  nc.subscribe('evt.>', { callback: () => void n++ });
  return { count: () => n };
}

/** Counts a service database's write transactions (its handlers' and its relay's). */
export function writeCounter(svc: RunningService): { count(): number } {
  let n = 0;
  const write = svc.db.write.bind(svc.db);
  // Shadows the method on this one instance; the relay holds the same Db, so its writes count too.
  svc.db.write = <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => (n++, write(fn));
  return { count: () => n };
}
