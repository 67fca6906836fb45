/**
 * Checking a database file for damage. Two parts:
 *   1. SQLite's own check: `PRAGMA quick_check` at start (the b-tree structure of every page:
 *      cell layout, rowid order, the free list), `PRAGMA integrity_check` on demand (also
 *      every index against its table);
 *   2. a text scan. Random bytes inside a row's text leave the structure intact, so neither
 *      pragma notices them, but libSQL aborts the whole process (a Rust panic on invalid
 *      UTF-8) when such a value is read. So every text value that is not plain ASCII is read
 *      as bytes and checked here, where a bad one is a finding and not an abort. SQL picks
 *      the candidates (`GLOB` for a byte outside 0x01–0x7F); only those cross to JavaScript.
 *      Tables are read row by row, then every index through itself (it holds its own copy
 *      of each key, which a query reading only indexed columns gets).
 * The start-up check bounds the scan by time (`budgetMs`); `hearth check` has no bound.
 */
import type { DbClient } from './open.ts';
import { storageFault } from './storage-errors.ts';

/** All the check asks of a database: statements (a `@libsql/client` Client, or a `Db`'s `client`). */
type Client = Pick<DbClient, 'execute'>;

/** What a check found. */
export interface CheckReport {
  /** True when nothing was found (within what was checked: see `complete`). */
  ok: boolean;
  /** One line per finding, SQLite's words or the scan's. */
  problems: string[];
  /** False when the text scan stopped at its time budget. */
  complete: boolean;
  ms: number;
}

/** How thorough a check is. */
export interface CheckOptions {
  /** `integrity_check` instead of `quick_check`. */
  full?: boolean;
  /** Milliseconds the text scan may take (default: no bound). */
  budgetMs?: number;
  /** Most findings reported (default 20). */
  maxProblems?: number;
}

const NON_ASCII = '*[^\u0001-\u007f]*';
const PAGE = 256;

/**
 * Checks the database behind `client`.
 *
 * @example
 * const r = await checkDatabase(db.client, { budgetMs: 2000 });
 * if (!r.ok) log.error('damaged', { problems: r.problems });
 */
export async function checkDatabase(client: Client, o: CheckOptions = {}): Promise<CheckReport> {
  const started = Date.now();
  const max = o.maxProblems ?? 20;
  const problems: string[] = [];
  let complete = true;
  try {
    const pragma = o.full ? 'integrity_check' : 'quick_check';
    const rows = (await client.execute(`PRAGMA ${pragma}(${max})`)).rows;
    for (const row of rows) {
      const line = String(row[0] ?? '');
      if (line !== 'ok') problems.push(...line.split('\n').filter(Boolean));
    }
    if (!problems.length) complete = await scanText(client, problems, max, o.budgetMs === undefined ? Infinity : started + o.budgetMs);
  } catch (err) {
    if (!storageFault(err)) throw err;
    problems.push(`SQLite: ${(err as Error).message}`);
  }
  return { ok: problems.length === 0, problems: problems.slice(0, max), complete, ms: Date.now() - started };
}

/** Reads every non-ASCII text value as bytes and checks it is UTF-8; false when time ran out. */
async function scanText(client: Client, problems: string[], max: number, deadline: number): Promise<boolean> {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const valid = (b: unknown) => {
    try {
      utf8.decode(b as ArrayBuffer);
      return true;
    } catch {
      return false;
    }
  };
  // The schema itself is text too: read it as bytes before trusting it.
  const schema = await client.execute("SELECT CAST(name AS BLOB) AS name, CAST(sql AS BLOB) AS sql FROM sqlite_schema WHERE type = 'table'");
  const tables: { name: string; rowid: boolean }[] = [];
  for (const { name, sql } of schema.rows) {
    if (!valid(name) || !valid(sql ?? new ArrayBuffer(0))) {
      problems.push('the schema holds text that is not UTF-8');
      return true;
    }
    const n = utf8.decode(name as ArrayBuffer);
    const s = sql ? utf8.decode(sql as ArrayBuffer) : '';
    if (n.startsWith('sqlite_') || /^\s*CREATE\s+VIRTUAL/i.test(s)) continue; // virtual tables are scanned through their shadow tables
    tables.push({ name: n, rowid: !/WITHOUT\s+ROWID/i.test(s) });
  }
  for (const t of tables) {
    const cols = (await client.execute(`PRAGMA table_info(${quote(t.name)})`)).rows.map((r) => String(r.name));
    if (!cols.length) continue;
    const pick = cols.map((c, i) => `CASE WHEN typeof(${quote(c)}) = 'text' THEN CAST(${quote(c)} AS BLOB) END AS c${i}`).join(', ');
    const suspect = cols.map((c) => `(typeof(${quote(c)}) = 'text' AND ${quote(c)} GLOB ?)`).join(' OR ');
    const globs = cols.map(() => NON_ASCII);
    let after = -Infinity;
    let offset = 0;
    for (;;) {
      if (Date.now() > deadline) return false;
      const r = t.rowid
        ? await client.execute({ sql: `SELECT rowid AS _r, ${pick} FROM ${quote(t.name)} WHERE rowid > ? AND (${suspect}) ORDER BY rowid LIMIT ${PAGE}`, args: [after === -Infinity ? Number.MIN_SAFE_INTEGER : after, ...globs] })
        : await client.execute({ sql: `SELECT ${offset} AS _r, ${pick} FROM ${quote(t.name)} WHERE ${suspect} LIMIT ${PAGE} OFFSET ${offset}`, args: globs });
      for (const row of r.rows) {
        cols.forEach((c, i) => {
          const v = row[`c${i}`];
          if (v != null && !valid(v)) problems.push(`table ${t.name}, ${t.rowid ? `rowid ${row._r}` : 'a row'}, column ${c}: text is not UTF-8 (damaged bytes)`);
        });
        if (t.rowid) after = Number(row._r);
      }
      offset += r.rows.length;
      if (problems.length >= max || r.rows.length < PAGE) break;
    }
    if (problems.length >= max) break;
  }
  return scanIndexes(client, problems, max, deadline, valid);
}

/**
 * An index holds its own copy of each key, and a query that reads only indexed columns
 * reads that copy: so every index's text keys are read too, through the index
 * (`INDEXED BY`, a covering scan). Partial and expression indexes are left to
 * `integrity_check`.
 */
async function scanIndexes(client: Client, problems: string[], max: number, deadline: number, valid: (b: unknown) => boolean): Promise<boolean> {
  const utf8 = new TextDecoder();
  const rows = (await client.execute("SELECT CAST(name AS BLOB) AS name, CAST(tbl_name AS BLOB) AS tbl, CAST(sql AS BLOB) AS sql FROM sqlite_schema WHERE type = 'index'")).rows;
  for (const { name, tbl, sql } of rows) {
    if (!valid(name) || !valid(tbl) || (sql && !valid(sql))) {
      problems.push('the schema holds text that is not UTF-8');
      return true;
    }
    const [idx, table] = [utf8.decode(name as ArrayBuffer), utf8.decode(tbl as ArrayBuffer)];
    if (sql && /\bWHERE\b/i.test(utf8.decode(sql as ArrayBuffer))) continue;
    const cols = (await client.execute(`PRAGMA index_info(${quote(idx)})`)).rows.map((r) => r.name).filter((c): c is string => typeof c === 'string');
    for (const c of cols) {
      for (let offset = 0; ; offset += PAGE) {
        if (Date.now() > deadline) return false;
        const r = await client.execute({
          sql: `SELECT CAST(${quote(c)} AS BLOB) AS v FROM ${quote(table)} INDEXED BY ${quote(idx)} WHERE ${quote(c)} GLOB ? LIMIT ${PAGE} OFFSET ${offset}`,
          args: [NON_ASCII],
        });
        for (const { v } of r.rows) if (v != null && !valid(v)) problems.push(`index ${idx} of table ${table}, column ${c}: text is not UTF-8 (damaged bytes)`);
        if (problems.length >= max) return true;
        if (r.rows.length < PAGE) break;
      }
    }
  }
  return true;
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
