/** What every handler of the users service works with, built once in main.ts. */
import type { Db, SagaHandle, ServiceApi, Tx } from '../../src/kit/index.ts';
import type { SigningKeys } from './secrets/signing-keys.ts';
import type { UsersSettings } from './settings.ts';

/** The handlers' shared means. The clock is `api.now()` (tests move it through `RunOptions.now`). */
export interface Deps {
  api: ServiceApi;
  db: Db;
  settings: UsersSettings;
  keys: SigningKeys;
  /** The account-deletion saga (sagas/account-deletion.ts): started by `DeleteAccount`, cancelled by a sign-in within its grace period. */
  accountDeletion: SagaHandle<{ userId: string }>;
}

/** A database row. */
export type Row = Awaited<ReturnType<Db['query']>>[number];

/**
 * What the store's helpers read through: inside a write, the handler's transaction (it sees
 * the transaction's own writes; a handler touches nothing else there); outside one, the
 * database (for queries).
 */
export type Read = Pick<Tx, 'query'>;

/** Now as an ISO timestamp (the form every time column stores). */
export const isoNow = (d: Pick<Deps, 'api'>): string => new Date(d.api.now()).toISOString();
