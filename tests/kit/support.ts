/**
 * Shared pieces of the kit's integration tests: an embedded broker per file, a temporary
 * data directory, polling for a condition, running a test service in this process, raw
 * broker requests, and a subscriber that collects event envelopes.
 */
import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type MsgHdrs, type NatsConnection } from 'nats';
import { createLogger as brokerLogger, startBroker, type Broker } from '../../embedded-broker/index.ts';
import { decode, openDb, runService, type Envelope, type RunOptions, type RunningService, type ServiceDefinition } from '../../src/kit/index.ts';

/** The bound on each integration file's `describe` (the brief: under a minute per file). */
export const FILE_TIMEOUT = 60_000;

/** Starts an embedded broker before the file's tests and closes it after; returns a getter. */
export function useBroker(): () => Broker {
  let broker: Broker | undefined;
  before(async () => {
    broker = await startBroker({ port: -1 }, brokerLogger({ debug: false, trace: false, quiet: true }));
  });
  after(async () => {
    await broker?.close();
  });
  return () => {
    if (!broker) throw new Error('the broker is not running');
    return broker;
  };
}

/** A fresh directory removed after the file's tests. */
export function useTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `hearth-${prefix}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Log lines a service wrote, kept in memory so test output stays clean. */
export interface LogSink {
  lines: Record<string, unknown>[];
  options: NonNullable<RunOptions['log']>;
}

/** A JSON log kept in memory. */
export function logSink(): LogSink {
  const lines: Record<string, unknown>[] = [];
  return { lines, options: { level: 'debug', format: 'json', write: (l) => void lines.push(JSON.parse(l)) } };
}

/** Runs `def` in this process against `url`, its database at `dbPath`. */
export function start(def: ServiceDefinition, url: string, dbPath: string, extra: Partial<RunOptions> = {}): Promise<RunningService> {
  return runService(def, { broker: { url }, db: { path: dbPath }, log: logSink().options, ...extra });
}

/** A plain client connection; the caller closes it. */
export function client(url: string, name = 'test'): Promise<NatsConnection> {
  return connect({ servers: url, name });
}

/** Sends raw bytes as a request and decodes the raw reply body. */
export async function rawRequest(nc: NatsConnection, subject: string, bytes: Uint8Array, headers?: MsgHdrs): Promise<{ ok?: unknown; error?: { code: string; kind: string; message: string; details?: unknown } }> {
  const msg = await nc.request(subject, bytes, { timeout: 3000, ...(headers ? { headers } : {}) });
  return decode(msg.data) as { ok?: unknown; error?: { code: string; kind: string; message: string; details?: unknown } };
}

/** Collects the envelopes published on `subject` (and their headers), in arrival order. */
export function collectEvents(nc: NatsConnection, subject: string): { envelopes: Envelope[]; headers: (MsgHdrs | undefined)[]; seqs: () => number[] } {
  const envelopes: Envelope[] = [];
  const headers: (MsgHdrs | undefined)[] = [];
  nc.subscribe(subject, {
    callback: (_err, msg) => {
      envelopes.push(decode(msg.data) as Envelope);
      headers.push(msg.headers);
    },
  });
  return { envelopes, headers, seqs: () => envelopes.map((e) => e.seq) };
}

/** 1, 2 … n. */
export const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** Reads a service's database file from outside the service: the log head and the relay's position. */
export async function outboxState(dbPath: string): Promise<{ head: number; published: number }> {
  const db = await openDb({ path: dbPath });
  try {
    const [h] = await db.query('SELECT coalesce(max(seq), 0) AS head FROM kit_events');
    const [p] = await db.query('SELECT published FROM kit_relay WHERE id = 1');
    return { head: Number(h!.head), published: Number(p!.published) };
  } finally {
    db.close();
  }
}
