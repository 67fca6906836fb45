/**
 * Whether this build knows a database's schema: every migration recorded in its
 * `kit_migrations` must be one this build has (same scope, number and name) — the kit's
 * (`kit`) or the service's own, read from its definition as `hearth rebuild` does. A
 * database made by a newer Hearth has migrations this one lacks, and is refused: the
 * service would refuse to start on it anyway (kit/db/migrate.ts), after the restore.
 */
import type { HearthConfig } from '../../config/index.ts';
import { KIT_MIGRATIONS, type Migration } from '../../kit/index.ts';
import { loadDefinition, type ServiceLoaders } from '../service-host.ts';
import { BackupError } from './errors.ts';
import { openFile } from './snapshot.ts';

/** Throws a `schema` BackupError when the database of `service` at `path` has a migration this build does not. */
export async function checkKnownSchema(config: HearthConfig, builtins: ServiceLoaders, service: string, path: string): Promise<void> {
  let known: Record<string, readonly Migration[]>;
  try {
    const def = await loadDefinition(config, service, builtins);
    known = { kit: KIT_MIGRATIONS, [def.name]: def.migrations };
  } catch (err) {
    throw new BackupError('schema', `the backup holds a database for "${service}", a service this Hearth does not have (${(err as Error).message})`, { cause: err });
  }
  const client = await openFile(path);
  try {
    const tables = await client.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'kit_migrations'");
    if (!tables.rows.length) return; // never migrated: the service creates its tables at start
    const rows = (await client.execute('SELECT scope, version, name FROM kit_migrations ORDER BY scope, version')).rows;
    for (const r of rows) {
      const scope = String(r.scope);
      const version = Number(r.version);
      const mine = known[scope];
      const m = mine?.[version - 1];
      if (m && m.version === version && m.name === r.name) continue;
      const have = mine?.length ? `this Hearth knows ${scope} up to migration ${mine.length} "${mine[mine.length - 1]!.name}"` : `this Hearth has no migrations of scope "${scope}"`;
      throw new BackupError('schema', `${service}'s database has ${scope} migration ${version} "${String(r.name)}", which this Hearth does not have (${have}); was the backup made by a newer Hearth? Restore it with that version or later`);
    }
  } finally {
    client.close();
  }
}
