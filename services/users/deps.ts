/** What every handler of the users service works with, built once in main.ts. */
import type { Db, ServiceApi, Tx } from '../../src/kit/index.ts';
import type { SigningKeys } from './secrets/signing-keys.ts';
import type { UsersSettings } from './settings.ts';

/** The handlers' shared means. */
export interface Deps {
  api: ServiceApi;
  db: Db;
  settings: UsersSettings;
  keys: SigningKeys;
  /** The clock (ms since the epoch): `Date.now` except in tests, which move time forward. */
  now: () => number;
}

/** A database row. */
export type Row = Awaited<ReturnType<Db['query']>>[number];
/** Statement arguments. */
export type Args = NonNullable<Parameters<Tx['execute']>[1]>;
/** Runs a read and returns its rows: the same helpers read inside a write transaction or outside one. */
export type Read = (sql: string, args?: Args) => Promise<Row[]>;

/** Reads through a transaction (consistent with the writes that follow in it). */
export const inTx = (tx: Tx): Read => async (sql, args) => (await tx.execute(sql, args ?? [])).rows;
/** Reads straight from the database (for queries). */
export const fromDb = (db: Db): Read => (sql, args) => db.query(sql, args ?? []);
/** Now as an ISO timestamp (the form every time column stores). */
export const isoNow = (d: Pick<Deps, 'now'>): string => new Date(d.now()).toISOString();
