/**
 * A local database file through libSQL's own driver (the `libsql` package, which
 * `@libsql/client` wraps), for the cost of a statement: `@libsql/client`'s local client
 * prepares every statement again on each execution, probes it with `raw()` in a try/catch
 * and builds each row with `Object.defineProperty` per column. Here each connection keeps
 * its prepared statements in a bounded cache keyed by the SQL text (least recently used
 * out first), rows are the plain objects the driver builds, and results keep the shapes
 * `@libsql/client` gives (`Row` by column name, `ResultSet`, integers as numbers — a value
 * beyond 2^53 is a RangeError, not a rounded number —, blobs as `ArrayBuffer`, errors as
 * `LibsqlError` with the same codes, so storage-errors.ts reads them alike).
 * Remote databases and embedded replicas stay on `@libsql/client` (open.ts).
 */
import { Buffer } from 'node:buffer';
import type { InArgs, InStatement, InValue, ResultSet, Row } from '@libsql/client';

/** Most prepared statements kept per connection. */
const CACHED_STATEMENTS = 200;

/** What this file uses of the driver's statement (better-sqlite3's API). */
interface NativeStatement {
  readonly reader: boolean;
  all(args: unknown): unknown[];
  run(args: unknown): { changes: number; lastInsertRowid: number | bigint };
  safeIntegers(on?: boolean): NativeStatement;
  raw(on?: boolean): NativeStatement;
  columns(): { name: string; type: string | null }[];
}

/** What this file uses of the driver's connection. */
interface NativeDatabase {
  readonly inTransaction: boolean;
  prepare(sql: string): NativeStatement;
  exec(sql: string): void;
  close(): void;
}

/** The driver and the error type results are reported with (both loaded by open.ts, lazily). */
export interface Driver {
  Database: new (path: string, o: { timeout: number }) => NativeDatabase;
  LibsqlError: new (message: string, code: string, extendedCode?: string, rawCode?: number, cause?: Error) => Error;
}

interface Cached {
  stmt: NativeStatement;
  reader: boolean;
  columns?: string[];
}

/**
 * One connection to a local file, with its statement cache.
 *
 * @example
 * const c = new Connection(driver, 'data/notes.db', 5000);
 * const rs = c.execute('SELECT text FROM notes WHERE id = ?', [1]);
 */
export class Connection {
  readonly #db: NativeDatabase;
  readonly #driver: Driver;
  readonly #cache = new Map<string, Cached>();
  #open = true;

  /** `init`: statements run once on the new connection (its pragmas). */
  constructor(driver: Driver, path: string, timeoutMs: number, init = '') {
    this.#driver = driver;
    try {
      this.#db = new driver.Database(path, { timeout: timeoutMs });
    } catch (err) {
      throw this.#error(err);
    }
    if (!init) return;
    try {
      this.#db.exec(init);
    } catch (err) {
      this.close();
      throw this.#error(err);
    }
  }

  /** Whether a transaction is open on this connection. */
  get inTransaction(): boolean {
    return this.#open && this.#db.inTransaction;
  }

  /** Runs one statement (prepared once, then taken from the cache). */
  execute(sql: string, args: InArgs = []): ResultSet {
    this.#checkOpen();
    try {
      const cached = this.#prepared(sql);
      const bound = bind(args);
      if (!cached.reader) {
        const info = cached.stmt.run(bound);
        return new LocalResultSet([], info.changes, BigInt(info.lastInsertRowid));
      }
      const rows = cached.stmt.all(bound) as Record<string, unknown>[];
      for (const row of rows) for (const k in row) if (typeof row[k] === 'bigint') row[k] = toNumber(row[k]);
      return new LocalResultSet(rows as unknown as Row[], 0, undefined, cached);
    } catch (err) {
      throw this.#error(err);
    }
  }

  /**
   * Runs one statement as `@libsql/client` does, rows also reachable by index (`row[0]`)
   * and the first of two same-named columns winning: for the few callers outside the hot
   * path that read rows so (`db.client`, the check). Not cached.
   */
  executeCompatible(sql: string, args: InArgs = []): ResultSet {
    this.#checkOpen();
    try {
      const stmt = this.#db.prepare(sql).safeIntegers(true);
      if (!stmt.reader) {
        const info = stmt.run(bind(args));
        return new LocalResultSet([], info.changes, BigInt(info.lastInsertRowid));
      }
      stmt.raw(true);
      const columns = stmt.columns().map((c) => c.name);
      const rows = (stmt.all(bind(args)) as unknown[][]).map((values) => {
        const row = {};
        Object.defineProperty(row, 'length', { value: values.length });
        values.forEach((raw, i) => {
          const value = typeof raw === 'bigint' ? toNumber(raw) : Buffer.isBuffer(raw) ? bytes(raw) : raw;
          Object.defineProperty(row, i, { value });
          const name = columns[i]!;
          if (!Object.hasOwn(row, name)) Object.defineProperty(row, name, { value, enumerable: true, configurable: true, writable: true });
        });
        return row as Row;
      });
      return new LocalResultSet(rows, 0, undefined, { stmt, reader: true, columns });
    } catch (err) {
      throw this.#error(err);
    }
  }

  /** Runs several statements separated by semicolons (not cached: migrations, pragmas). */
  exec(sql: string): void {
    this.#checkOpen();
    try {
      this.#db.exec(sql);
    } catch (err) {
      throw this.#error(err);
    }
  }

  /** Closes the connection; its cached statements are let go (the driver frees them, and the file, when they are collected). */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#cache.clear();
    try {
      this.#db.close();
    } catch {
      // nothing useful to do while tearing down
    }
  }

  #prepared(sql: string): Cached {
    const hit = this.#cache.get(sql);
    if (hit) {
      // Most recently used last, so the first key is the one to let go.
      this.#cache.delete(sql);
      this.#cache.set(sql, hit);
      return hit;
    }
    const stmt = this.#db.prepare(sql).safeIntegers(true);
    const cached = { stmt, reader: stmt.reader };
    this.#cache.set(sql, cached);
    if (this.#cache.size > CACHED_STATEMENTS) this.#cache.delete(this.#cache.keys().next().value!);
    return cached;
  }

  #checkOpen(): void {
    if (!this.#open) throw new this.#driver.LibsqlError('The client is closed', 'CLIENT_CLOSED');
  }

  /** The error for a statement given to a transaction that is over (`@libsql/client`'s). */
  transactionClosed(): Error {
    return new this.#driver.LibsqlError('The transaction is closed', 'TRANSACTION_CLOSED');
  }

  /** The driver's SqliteError as `@libsql/client` reports it: base code, extended code, raw code. */
  #error(err: unknown): unknown {
    if (!(err instanceof Error) || err.name !== 'SqliteError') return err;
    const { code, rawCode } = err as { code?: string; rawCode?: number };
    const base = rawCode === undefined ? 'SQLITE_UNKNOWN' : (BASE_CODES[rawCode & 0xff] ?? `SQLITE_UNKNOWN_${rawCode & 0xff}`);
    return new this.#driver.LibsqlError(err.message, base, code, rawCode, err);
  }
}

/** A statement given either way `@libsql/client` takes one. */
export function statement(stmt: InStatement | string, args?: InArgs): { sql: string; args: InArgs } {
  if (typeof stmt === 'string') return { sql: stmt, args: args ?? [] };
  return { sql: stmt.sql, args: stmt.args ?? [] };
}

/** The results of one statement, shaped as `@libsql/client`'s (column names read only when asked for). */
class LocalResultSet implements ResultSet {
  readonly rows: Row[];
  readonly rowsAffected: number;
  readonly lastInsertRowid: bigint | undefined;
  readonly #cached: Cached | undefined;

  constructor(rows: Row[], rowsAffected: number, lastInsertRowid: bigint | undefined, cached?: Cached) {
    this.rows = rows;
    this.rowsAffected = rowsAffected;
    this.lastInsertRowid = lastInsertRowid;
    this.#cached = cached;
  }

  get columns(): string[] {
    if (!this.#cached) return [];
    return (this.#cached.columns ??= this.#cached.stmt.columns().map((c) => c.name));
  }

  get columnTypes(): string[] {
    return this.#cached ? this.#cached.stmt.columns().map((c) => c.type ?? '') : [];
  }

  toJSON(): unknown {
    return { columns: this.columns, columnTypes: this.columnTypes, rows: this.rows.map((r) => Object.values(r)), rowsAffected: this.rowsAffected, lastInsertRowid: this.lastInsertRowid?.toString() ?? null };
  }
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_I64 = -(2n ** 63n);
const MAX_I64 = 2n ** 63n - 1n;

/** An integer from the database as a number (`@libsql/client`'s `intMode: 'number'`). */
function toNumber(v: unknown): number {
  const n = v as bigint;
  if (n < MIN_SAFE || n > MAX_SAFE) throw new RangeError('Received integer which cannot be safely represented as a JavaScript number');
  return Number(n);
}

/** A blob's bytes as an `ArrayBuffer` of exactly its length. */
function bytes(b: Buffer): ArrayBuffer {
  return (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b.buffer : b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)) as ArrayBuffer;
}

/** Arguments as the driver takes them, checked and converted as `@libsql/client` does. */
function bind(args: InArgs): unknown {
  if (Array.isArray(args)) {
    const out = new Array<unknown>(args.length);
    for (let i = 0; i < args.length; i++) out[i] = value(args[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const name in args) out[name[0] === '@' || name[0] === '$' || name[0] === ':' ? name.slice(1) : name] = value(args[name]);
  return out;
}

function value(v: InValue | undefined): unknown {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      if (!Number.isFinite(v)) throw new RangeError('Only finite numbers (not Infinity or NaN) can be passed as arguments');
      return v;
    case 'bigint':
      if (v < MIN_I64 || v > MAX_I64) throw new RangeError('bigint is too large to be represented as a 64-bit integer and passed as argument');
      return v;
    case 'boolean':
      return v ? 1 : 0;
    case 'undefined':
      throw new TypeError('undefined cannot be passed as argument to the database');
    default:
      if (v instanceof ArrayBuffer) return Buffer.from(v);
      if (v instanceof Date) return v.valueOf();
      return v;
  }
}

/** SQLite's primary result codes by number (base = rawCode & 0xff), as `@libsql/client` names them. */
const BASE_CODES: Record<number, string> = {
  1: 'SQLITE_ERROR', 2: 'SQLITE_INTERNAL', 3: 'SQLITE_PERM', 4: 'SQLITE_ABORT', 5: 'SQLITE_BUSY', 6: 'SQLITE_LOCKED',
  7: 'SQLITE_NOMEM', 8: 'SQLITE_READONLY', 9: 'SQLITE_INTERRUPT', 10: 'SQLITE_IOERR', 11: 'SQLITE_CORRUPT',
  12: 'SQLITE_NOTFOUND', 13: 'SQLITE_FULL', 14: 'SQLITE_CANTOPEN', 15: 'SQLITE_PROTOCOL', 16: 'SQLITE_EMPTY',
  17: 'SQLITE_SCHEMA', 18: 'SQLITE_TOOBIG', 19: 'SQLITE_CONSTRAINT', 20: 'SQLITE_MISMATCH', 21: 'SQLITE_MISUSE',
  22: 'SQLITE_NOLFS', 23: 'SQLITE_AUTH', 24: 'SQLITE_FORMAT', 25: 'SQLITE_RANGE', 26: 'SQLITE_NOTADB',
  27: 'SQLITE_NOTICE', 28: 'SQLITE_WARNING',
};
