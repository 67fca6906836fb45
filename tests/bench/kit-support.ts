/**
 * What the kit benchmark's parts share: the scale, progress lines on stderr, a quiet
 * in-process broker, quiet service logs, medians, polling, and a raw libSQL file opened
 * with the same durability as a service database (WAL, synchronous=FULL).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient, type Client } from '@libsql/client';
import { createLogger as brokerLogger, startBroker, type Broker } from '../../embedded-broker/index.ts';
import type { RunOptions } from '../../src/kit/index.ts';

const scale = Number(process.env.BENCH_SCALE ?? '1') || 1;

/** `count` scaled by BENCH_SCALE, never below `min`. */
export const scaled = (count: number, min = 10): number => Math.max(min, Math.round(count * scale));

/** A progress line on stderr (stdout carries only the report). */
export const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** The middle value (the mean of the two middle ones for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A fresh temporary directory. */
export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'hearth-kit-bench-'));

/** The embedded broker in this process, on an ephemeral port, saying nothing. */
export const quietBroker = (): Promise<Broker> =>
  startBroker({ port: -1 }, brokerLogger({ debug: false, trace: false, quiet: true }));

/** Service logs: warnings and errors only, to stderr, so they cannot corrupt --json. */
export const serviceLog: RunOptions['log'] = { level: 'warn', format: 'json', write: (line) => log(line.trimEnd()) };

/**
 * A plain libSQL file with a service database's durability: WAL and synchronous=FULL, set
 * the way `openDb` sets them.
 */
export async function rawDb(path: string): Promise<Client> {
  const c = createClient({ url: pathToFileURL(path).href, intMode: 'number' });
  await c.execute('PRAGMA journal_mode = WAL');
  await c.execute('PRAGMA synchronous = FULL');
  return c;
}

/** `synchronous` as a write transaction's connection sees it (the pragma is per connection). */
export async function txSynchronous(c: Pick<Client, 'transaction'>): Promise<number> {
  const tx = await c.transaction('write');
  try {
    return Number((await tx.execute('PRAGMA synchronous')).rows[0]!.synchronous);
  } finally {
    tx.close();
  }
}
