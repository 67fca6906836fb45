/**
 * A consistent copy of one live database file, and the facts the manifest records about a
 * database. The copy is SQLite's `VACUUM INTO`: one read transaction over the source, so
 * it is a snapshot of one instant while the service's writers go on (WAL mode: readers
 * and writers do not block each other). SQLite's online backup API would do as well, but
 * it is not reachable from here: libSQL's Node binding throws "not implemented" for
 * `backup()`, and Node 20 has no `node:sqlite`.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import type { Client } from '@libsql/client';

/** How long the copy waits for a lock (a checkpoint, WAL recovery) before giving up. */
const BUSY_MS = 30_000;

/** Opens a local database file with its own connection (never through the service's). */
export async function openFile(path: string): Promise<Client> {
  const { createClient } = await import('@libsql/client');
  const client = createClient({ url: `file:${path}`, intMode: 'number' });
  await client.execute(`PRAGMA busy_timeout = ${BUSY_MS}`);
  return client;
}

/** Writes a consistent copy of the live database `from` to the new file `to`. */
export async function snapshotFile(from: string, to: string): Promise<void> {
  const client = await openFile(from);
  try {
    await client.execute(`VACUUM INTO ${quote(to)}`);
  } finally {
    client.close();
  }
}

/** What the manifest says of a database, read from it. */
export interface DatabaseFacts {
  /** Migration scope → highest version applied. */
  schema: Record<string, number>;
  /** The event log's head (0 for a database without one). */
  head: number;
  /** The id of its event log's current epoch (kit_epochs), when it has one. */
  epoch?: string;
}

/** Reads the schema versions, event-log head and restore epoch of the database behind `client`. */
export async function readFacts(client: Client): Promise<DatabaseFacts> {
  const tables = new Set((await client.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")).rows.map((r) => String(r.name)));
  const schema: Record<string, number> = {};
  if (tables.has('kit_migrations')) {
    for (const r of (await client.execute('SELECT scope, max(version) AS v FROM kit_migrations GROUP BY scope ORDER BY scope')).rows) schema[String(r.scope)] = Number(r.v);
  }
  let head = 0;
  if (tables.has('kit_events')) {
    // As the kit's EventLog.head(): erased events leave their numbers in kit_floor.
    const floor = tables.has('kit_floor') ? '(SELECT seq FROM kit_floor WHERE id = 1)' : '0';
    head = Number((await client.execute(`SELECT max((SELECT coalesce(max(seq), 0) FROM kit_events), coalesce(${floor}, 0)) AS head`)).rows[0]!.head);
  }
  // The current epoch of its event log (kit/es/epoch.ts): a new one begins at every restore.
  const epoch = tables.has('kit_epochs') ? (await client.execute('SELECT id FROM kit_epochs ORDER BY position DESC LIMIT 1')).rows[0]?.id : undefined;
  return { schema, head, ...(epoch == null ? {} : { epoch: String(epoch) }) };
}

/** The size and hex SHA-256 of a file, read as a stream. */
export async function digestFile(path: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { bytes: statSync(path).size, sha256: hash.digest('hex') };
}

/** An SQL string literal. */
function quote(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
