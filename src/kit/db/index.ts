/** A service's own database: opening it, migrating it, writing in transactions. */
export { Db, openDb, redactUrl, type DbOptions, type Tx } from './open.ts';
export { migrate, type Migration } from './migrate.ts';
export { Mutex } from './mutex.ts';
export { GroupCommit } from './group-commit.ts';
export { checkDatabase, type CheckOptions, type CheckReport } from './check.ts';
export { StorageCondition } from './condition.ts';
export { storageError, storageFault, corruptAdvice, type StorageFault } from './storage-errors.ts';
