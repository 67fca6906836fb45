/**
 * Numbered, forward-only migrations. Each is applied in its own transaction together with
 * its row in `kit_migrations`, so a crash leaves it either wholly applied or not at all.
 * A database that has a migration this build does not know (a downgrade, or a renumbered
 * file) is refused: guessing would risk the data.
 */
import type { Db } from './open.ts';

/** One schema step. `version` counts up from 1 without gaps within its scope. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const LEDGER = `CREATE TABLE IF NOT EXISTS kit_migrations (
  scope TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL,
  PRIMARY KEY (scope, version))`;

/**
 * Applies the migrations of `scope` that are not yet recorded; returns the versions applied.
 *
 * @example
 * await migrate(db, 'notes', [{ version: 1, name: 'init', sql: 'CREATE TABLE notes (...)' }]);
 */
export async function migrate(db: Db, scope: string, migrations: readonly Migration[]): Promise<number[]> {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`${scope} migration "${m.name}" is number ${m.version}; expected ${i + 1}`);
  });
  await db.client.execute(LEDGER);
  const rows = await db.query('SELECT version, name FROM kit_migrations WHERE scope = ? ORDER BY version', [scope]);
  for (const row of rows) {
    const known = migrations[Number(row.version) - 1];
    if (!known || known.name !== row.name) {
      throw new Error(
        `The ${scope} database has migration ${row.version} "${row.name}", which this version of Hearth does not have ` +
          '(was it made by a newer version?). Refusing to start.',
      );
    }
  }
  const applied: number[] = [];
  for (const m of migrations.slice(rows.length)) {
    await db.write(async (tx) => {
      await tx.executeMultiple(m.sql);
      await tx.execute('INSERT INTO kit_migrations (scope, version, name, applied_at) VALUES (?, ?, ?, ?)', [
        scope,
        m.version,
        m.name,
        new Date().toISOString(),
      ]);
    });
    applied.push(m.version);
  }
  return applied;
}
