/**
 * A service's storage at start: open the database, check it (`PRAGMA quick_check` and a
 * text scan bounded by `checkMs`, see db/check.ts), migrate it. Damage found on the way
 * (by the check, or as SQLITE_CORRUPT/SQLITE_NOTADB from opening or migrating) does not
 * throw: it comes back as a damaged Db, which refuses every read and write, so the service
 * can say what is wrong instead of crash-looping or aborting on a damaged row.
 */
import type { Client } from '@libsql/client';
import { checkDatabase, Db, migrate, openDb, StorageCondition, storageFault, type DbOptions, type Migration } from '../db/index.ts';
import { KIT_MIGRATIONS } from '../es/schema.ts';
import type { Logger } from '../log.ts';

/** Milliseconds the start-up text scan may take, unless configured. */
export const DEFAULT_CHECK_MS = 2000;

/** Opens, checks and migrates `service`'s database; `opened.db` is set as soon as it is open. */
export async function openStorage(
  service: string,
  migrations: readonly Migration[],
  o: { db: DbOptions; checkMs?: number; log: Logger },
  opened: { db?: Db },
): Promise<Db> {
  try {
    const db = (opened.db = await openDb({ ...o.db, service }));
    // A remote primary checks itself; a local file (or an embedded replica's) is ours to check.
    if (db.local) {
      const report = await checkDatabase(db.client, { budgetMs: o.checkMs ?? DEFAULT_CHECK_MS });
      if (!report.ok) db.storage.damaged(report.problems.join('; '));
      else if (!report.complete) {
        o.log.warn('the start-up check of the database stopped at its time budget; `hearth check` checks all of it', { file: db.storage.file, ms: report.ms });
      } else o.log.debug('database checked', { file: db.storage.file, ms: report.ms });
    }
    if (db.storage.state !== 'corrupt') {
      await migrate(db, 'kit', KIT_MIGRATIONS);
      const applied = await migrate(db, service, migrations);
      if (applied.length) o.log.info('migrated', { versions: applied });
    }
    return db;
  } catch (err) {
    if (storageFault(err) !== 'corrupt') throw err;
    const file = o.db.url ? 'the database' : (o.db.path ?? 'the database');
    const storage = opened.db?.storage ?? new StorageCondition(service, file);
    storage.damaged((err as Error).message + ((err as Error).cause ? `: ${((err as Error).cause as Error).message}` : ''));
    opened.db?.close();
    return (opened.db = new Db(inert(), { local: true, single: false, storage }));
  }
}

/** A client that is never used (the damaged Db refuses before reaching it) and closes quietly. */
function inert(): Client {
  const refuse = () => Promise.reject(new Error('the database is damaged'));
  return { execute: refuse, batch: refuse, transaction: refuse, executeMultiple: refuse, sync: refuse, close: () => {}, closed: false } as unknown as Client;
}
