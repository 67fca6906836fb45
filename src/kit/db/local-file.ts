/**
 * A service's local database file on libSQL's own driver (local.ts): one write connection,
 * used only under the database's write mutex, and one read connection beside it (WAL: a
 * read sees the last commit and never waits for the write in progress), each with its
 * statement cache and its pragmas set once (`synchronous = FULL`, `secure_delete = ON`).
 * It is also the database's `client` (open.ts `DbClient`) for the few callers outside the
 * hot path: the start-up check, migrations' ledger, tests; those run on the write
 * connection under the mutex.
 */
import type { InArgs, InStatement, ResultSet, Row } from '@libsql/client';
import { Connection, statement, type Driver } from './local.ts';
import { Mutex } from './mutex.ts';
import type { Tx } from './open.ts';

/** Pragmas every connection gets: commits survive power loss; deleted rows' bytes are overwritten, not left in free pages. */
const CONNECTION_PRAGMAS = 'PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;';

/**
 * Opens the connections to `path` (WAL).
 *
 * @example
 * const file = LocalFile.open(driver, 'data/notes.db', 5000, false);
 * await file.writes.run(() => file.transact(async (tx) => void (await tx.execute('DELETE FROM notes'))));
 */
export class LocalFile {
  /** Serialises the write connection's users: write transactions, `execute`, `executeMultiple`. */
  readonly writes = new Mutex();
  readonly #write: Connection;
  readonly #read: Connection;
  closed = false;

  private constructor(write: Connection, read: Connection) {
    this.#write = write;
    this.#read = read;
  }

  /** `single`: one connection for reads and writes (reads then go through the mutex, see open.ts). */
  static open(driver: Driver, path: string, timeoutMs: number, single: boolean): LocalFile {
    const write = new Connection(driver, path, timeoutMs, CONNECTION_PRAGMAS);
    try {
      write.exec('PRAGMA journal_mode = WAL');
      const read = single ? write : new Connection(driver, path, timeoutMs, CONNECTION_PRAGMAS);
      return new LocalFile(write, read);
    } catch (err) {
      write.close();
      throw err;
    }
  }

  /** Rows of a read, on the read connection (the caller holds the mutex when the file is single). */
  read(sql: string, args: InArgs): Row[] {
    return this.#read.execute(sql, args).rows;
  }

  /** Runs `fn` in one `BEGIN IMMEDIATE` transaction on the write connection; the caller holds the mutex. */
  async transact<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const conn = this.#write;
    conn.execute('BEGIN IMMEDIATE');
    let open = true;
    // A statement after the transaction ended (SQLite rolls back by itself on some errors)
    // must fail, not run in autocommit mode and commit a part of the work.
    const check = () => {
      if (!open || !conn.inTransaction) throw conn.transactionClosed();
    };
    const hooks: (() => void)[] = [];
    try {
      const result = await fn({
        query: async (sql, args = []) => (check(), conn.execute(sql, args).rows),
        execute: async (sql, args = []) => (check(), conn.execute(sql, args)),
        executeMultiple: async (sql) => (check(), conn.exec(sql)),
        afterCommit: (h) => void hooks.push(h),
      });
      check();
      conn.execute('COMMIT');
      open = false;
      for (const h of hooks) h();
      return result;
    } catch (err) {
      open = false;
      if (conn.inTransaction) {
        try {
          conn.execute('ROLLBACK');
        } catch {
          // the original error is what matters
        }
      }
      throw err;
    }
  }

  /** Several statements on the write connection, outside any transaction; the caller holds the mutex. */
  exec(sql: string): void {
    this.#write.exec(sql);
  }

  // The `DbClient` side (open.ts), as `@libsql/client` answers.

  execute(stmt: InStatement): Promise<ResultSet>;
  execute(sql: string, args?: InArgs): Promise<ResultSet>;
  execute(stmt: InStatement | string, args?: InArgs): Promise<ResultSet> {
    const { sql, args: a } = statement(stmt, args);
    return this.writes.run(async () => this.#write.executeCompatible(sql, a));
  }

  executeMultiple(sql: string): Promise<void> {
    return this.writes.run(async () => this.#write.exec(sql));
  }

  close(): void {
    this.closed = true;
    this.#read.close();
    this.#write.close();
  }
}
