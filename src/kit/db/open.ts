/**
 * A service's database: one libSQL database owned by one service. Locally a file under
 * the data directory in WAL mode (synchronous=FULL, so a commit survives power loss); by
 * configuration a remote libSQL server (`libsql://`, `http(s)://`) or an embedded replica
 * of one (`sync_url`, auth token, sync interval), options passed straight to
 * `@libsql/client`. A local file of ours (named by `path`) is opened with libSQL's own
 * driver instead, with prepared statements cached per connection (local-file.ts). Writes
 * are serialised through one mutex, so each `write` is one `BEGIN IMMEDIATE` transaction
 * that never meets SQLITE_BUSY from its own process.
 * A full disk or a damaged file surfaces as a typed error (`storage.full`,
 * `storage.corrupt`) and is remembered in `storage` (see condition.ts); once damage is
 * known, nothing more is read from the file (libSQL may abort the process on a damaged row).
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client, InArgs, InStatement, ResultSet, Row } from '@libsql/client';
import { LocalFile } from './local-file.ts';
import type { Driver } from './local.ts';
import { Mutex } from './mutex.ts';
import { StorageCondition } from './condition.ts';
import { describeOpenFailure, probePrimary, redactUrl, withinConnectTimeout, type OpenTarget } from './reach.ts';
import { storageFault } from './storage-errors.ts';

export { redactUrl };

/** Where a service's database lives. */
export interface DbOptions {
  /** A local file path (used when `url` is empty). */
  path?: string;
  /** A libSQL URL: `file:`, `libsql://`, `http(s)://`, `ws(s)://`. */
  url?: string;
  /** Makes the local file an embedded replica of this remote primary. */
  syncUrl?: string;
  authToken?: string;
  /** Seconds between background syncs of an embedded replica (0: only at start). */
  syncIntervalSec?: number;
  /** The service owning the database, named in storage errors. */
  service?: string;
  /**
   * Treat the database as one connection: reads (`db.query`) queue behind the write in
   * progress. An embedded replica (`syncUrl`) is always opened so; a test sets it on a local
   * file to prove that nothing reads through `db` while it holds the write lock (it would
   * wait for ever).
   */
  single?: boolean;
}

/**
 * The statements a transaction may run, plus a hook for after the commit. Reads go through
 * the transaction too (`query`): they see its own writes, and never wait on the write lock
 * the transaction already holds (a single-connection database would deadlock).
 */
export interface Tx {
  /** Runs a statement in the transaction and returns its rows (reads see this transaction's writes). */
  query(sql: string, args?: InArgs): Promise<Row[]>;
  execute(sql: string, args?: InArgs): Promise<ResultSet>;
  executeMultiple(sql: string): Promise<void>;
  /** Runs `fn` after this transaction commits (never if it rolls back). */
  afterCommit(fn: () => void): void;
}

/** What callers outside the hot path use of the database's connections: `@libsql/client`'s `Client`, or a local file's (local-file.ts). */
export interface DbClient {
  execute(stmt: InStatement): Promise<ResultSet>;
  execute(sql: string, args?: InArgs): Promise<ResultSet>;
  executeMultiple(sql: string): Promise<void>;
  close(): void;
}

/** How long a statement waits for a lock held by another connection (SQLite's busy timeout). */
const BUSY_TIMEOUT_MS = 5000;

/**
 * One service database.
 *
 * @example
 * const db = await openDb({ path: 'data/notes.db' });
 * await db.write(async (tx) => { await tx.execute('INSERT INTO notes(text) VALUES (?)', ['hi']); });
 * const rows = await db.query('SELECT * FROM notes');
 */
export class Db {
  /** For callers outside the hot path (the start-up check, migrations' ledger, tests). */
  readonly client: DbClient;
  readonly local: boolean;
  /** Full, damaged or ok, as the last operations found it. */
  readonly storage: StorageCondition;
  readonly #writes: Mutex;
  /** A local file of ours on libSQL's own driver (then `client` is it too); otherwise everything goes through `#remote`. */
  readonly #file: LocalFile | undefined;
  readonly #remote: Client | undefined;
  /** Embedded replicas have a single connection, so reads must queue behind writes too. */
  readonly #single: boolean;
  /** A local file this process owns (not an embedded replica, whose file and journal are libSQL's): it is scrubbed. */
  readonly #own: boolean;

  constructor(client: Client | LocalFile, o: { local: boolean; single: boolean; own?: boolean; storage?: StorageCondition }) {
    this.client = client;
    this.#file = client instanceof LocalFile ? client : undefined;
    this.#remote = client instanceof LocalFile ? undefined : client;
    this.#writes = this.#file?.writes ?? new Mutex();
    this.local = o.local;
    this.#single = o.single;
    this.#own = o.own ?? false;
    this.storage = o.storage ?? new StorageCondition('this', 'the database');
  }

  /** Runs a read-only statement and returns its rows. */
  async query(sql: string, args: InArgs = []): Promise<Row[]> {
    if (this.storage.state === 'corrupt') throw this.storage.error();
    try {
      const file = this.#file;
      if (file) return this.#single ? await this.#writes.run(async () => file.read(sql, args)) : file.read(sql, args);
      const run = () => this.#remote!.execute({ sql, args });
      return (this.#single ? await this.#writes.run(run) : await run()).rows;
    } catch (err) {
      throw this.storage.fault(err);
    }
  }

  /** Runs `fn` in one write transaction; commits when it returns, rolls back when it throws. */
  async write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.storage.state === 'corrupt') throw this.storage.error();
    try {
      const result = await this.#write(fn);
      this.storage.wrote();
      return result;
    } catch (err) {
      throw this.storage.fault(err);
    }
  }

  /** While the disk is full: one small write, so the condition clears as soon as there is room again. */
  async probeSpace(): Promise<void> {
    if (this.storage.state !== 'full') return;
    await this.write(async (tx) => {
      await tx.execute('CREATE TABLE IF NOT EXISTS kit_storage_probe (id INTEGER PRIMARY KEY, at TEXT NOT NULL)');
      await tx.execute('INSERT OR REPLACE INTO kit_storage_probe (id, at) VALUES (1, ?)', [new Date().toISOString()]);
    }).catch(() => undefined); // still full: the condition says so
  }

  #write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const file = this.#file;
    if (file) return this.#writes.run(() => file.transact(fn));
    const remote = this.#remote!;
    return this.#writes.run(async () => {
      const tx = await remote.transaction('write');
      const hooks: (() => void)[] = [];
      try {
        // Deleted rows' bytes are overwritten, not left in free pages (an erased person must
        // be gone from the file). A connection setting: the client's pool may hand out a new one.
        if (this.#own) await tx.execute('PRAGMA secure_delete = ON');
        const result = await fn({
          query: async (sql, args = []) => (await tx.execute({ sql, args })).rows,
          execute: (sql, args = []) => tx.execute({ sql, args }),
          executeMultiple: (sql) => tx.executeMultiple(sql),
          afterCommit: (h) => void hooks.push(h),
        });
        await tx.commit();
        for (const h of hooks) h();
        return result;
      } catch (err) {
        if (!tx.closed) await tx.rollback().catch(() => undefined); // the original error is what matters
        throw err;
      } finally {
        tx.close();
      }
    });
  }

  /**
   * Copies the write-ahead log into the file and empties it (`wal_checkpoint(TRUNCATE)`),
   * between writes: the WAL keeps old versions of pages, so an erasure is only gone from
   * the disk once it is checkpointed. Best effort, waiting at most 100 ms for readers: a
   * reader holding an old snapshot (Litestream holds one for as long as it replicates)
   * leaves it undone, and writes must not queue behind it. Nothing for a database that is
   * not a local file of ours.
   *
   * @example
   * await db.checkpoint(); // after an erasure, and when the service stops
   */
  async checkpoint(): Promise<void> {
    if (!this.#own || this.storage.state === 'corrupt') return;
    // One connection for the three statements (executeMultiple), outside any transaction.
    const sql = `PRAGMA busy_timeout = 100; PRAGMA wal_checkpoint(TRUNCATE); PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS};`;
    const file = this.#file;
    await this.#writes.run(async () => (file ? file.exec(sql) : await this.client.executeMultiple(sql))).catch(() => undefined);
  }

  /** Closes every connection. */
  close(): void {
    this.client.close();
  }
}

/**
 * Opens (and for a local file, creates) a service database. A remote database must answer
 * its first statement, and the primary of an embedded replica its first request, within
 * DB_CONNECT_TIMEOUT_MS; any failure to open is `storage.unavailable`, saying which service,
 * which URL (without credentials), what went wrong and what to check (reach.ts).
 */
export async function openDb(o: DbOptions): Promise<Db> {
  const url = o.url || (o.path ? pathToFileURL(o.path).href : '');
  if (!url) throw new Error('openDb needs a path or a url');
  const local = url.startsWith('file:');
  const secrets = secretsOf(o);
  const target: OpenTarget = { service: o.service, key: 'url', url, secrets };
  if (local && o.path && !o.url) {
    // A new file is private to this user whatever the umask (SQLite gives -wal and -shm the
    // database file's mode).
    mkdirSync(dirname(o.path), { recursive: true, mode: 0o700 });
    // Not for an embedded replica: libSQL refuses to sync into an existing file it did not
    // make ("without a wal_index"); the service host's umask keeps the files it makes private.
    if (!o.syncUrl) {
      try {
        closeSync(openSync(o.path, 'wx', 0o600));
      } catch {
        // it exists already (left as it is), or libSQL will report what is wrong below
      }
    }
  }
  if (o.syncUrl) {
    // Before libSQL's native client, which waits without a bound, and blocks the process while it does.
    await probePrimary({ ...target, key: 'sync_url', url: o.syncUrl }, o.authToken);
    // libSQL's native tracing writes coloured text to stdout (three lines per failed handshake,
    // at every restart), which breaks JSON logs; what it says is in the error we throw.
    process.env.RUST_LOG ??= 'off';
  }
  // Loaded here, not at the top: libSQL's native addon costs ~10 MiB of memory, and
  // processes that never open a database (the supervisor) should not pay for it.
  const { createClient, LibsqlError } = await import('@libsql/client');
  const storage = new StorageCondition(o.service ?? 'this', local && o.path && !o.url ? o.path : redactUrl(url));
  if (local && o.path && !o.url && !o.syncUrl) {
    // A file of ours, named by path: libSQL's own driver, with a statement cache (local-file.ts).
    const { default: Database } = (await import('libsql')) as unknown as { default: Driver['Database'] };
    let file: LocalFile;
    try {
      file = LocalFile.open({ Database, LibsqlError }, o.path, BUSY_TIMEOUT_MS, Boolean(o.single));
    } catch (err) {
      if (storageFault(err)) throw err;
      throw describeOpenFailure(target, err);
    }
    return new Db(file, { local, single: Boolean(o.single), own: true, storage });
  }
  let client: Client | undefined;
  try {
    client = createClient({
      url,
      ...(o.syncUrl ? { syncUrl: o.syncUrl } : {}),
      ...(o.authToken ? { authToken: o.authToken } : {}),
      ...(o.syncIntervalSec ? { syncInterval: o.syncIntervalSec } : {}),
      ...(local ? { timeout: BUSY_TIMEOUT_MS } : {}),
      intMode: 'number',
    });
    if (o.syncUrl) {
      // An embedded replica's file and its journal are libSQL's: it refuses these pragmas
      // (Sqlite3UnsupportedStatement) and keeps its own index beside the file.
      await client.sync();
    } else if (local) {
      await client.execute('PRAGMA journal_mode = WAL');
      await client.execute('PRAGMA synchronous = FULL');
    } else {
      // The remote clients connect lazily: this is the first contact, and it must end.
      await withinConnectTimeout(target, client.execute('SELECT 1'));
    }
  } catch (err) {
    client?.close();
    if (storageFault(err)) throw err; // a damaged or full file: the storage condition's business
    throw describeOpenFailure(o.syncUrl && !/Unable to open connection to local/.test(String(err)) ? { ...target, key: 'sync_url', url: o.syncUrl } : target, err);
  }
  return new Db(client, { local, single: Boolean(o.syncUrl || o.single), own: local && !o.syncUrl, storage });
}

/** What must never appear in a message: the token, and any password or query (which may hold a token) in the URLs. */
function secretsOf(o: DbOptions): string[] {
  const out = o.authToken ? [o.authToken] : [];
  for (const u of [o.url, o.syncUrl]) {
    if (!u) continue;
    try {
      const parsed = new URL(u);
      if (parsed.password) out.push(decodeURIComponent(parsed.password), parsed.password);
      for (const v of parsed.searchParams.values()) if (v.length >= 4) out.push(v);
    } catch {
      // not a URL: the client says so, and there is nothing in it to hide
    }
  }
  return out;
}
