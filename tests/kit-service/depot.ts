/**
 * A saga participant for the tests, run as `north` or `south`: its hold and release are
 * saga steps (`api.sagaStep`: once per saga and step). With HEARTH_TEST_DIE_AT=hold in its
 * environment it SIGKILLs itself right after a hold commits, before it answers.
 */
import { AppError, defineService, type ServiceDefinition } from '../../src/kit/index.ts';
import { depotOps, type DepotName } from './saga-contracts.ts';

/** The depot service under `name`. */
export function depot(name: DepotName): ServiceDefinition {
  const ops = depotOps(name);
  return defineService({
    name,
    migrations: [
      {
        version: 1,
        name: 'holds',
        // No uniqueness on purpose: a step applied twice would show as two rows.
        sql: `CREATE TABLE holds (id INTEGER PRIMARY KEY, saga_id TEXT NOT NULL, key TEXT NOT NULL, amount INTEGER NOT NULL, at_ms INTEGER NOT NULL, released INTEGER NOT NULL DEFAULT 0);
              CREATE TABLE releases (saga_id TEXT NOT NULL, released INTEGER NOT NULL, at_ms INTEGER NOT NULL);`,
      },
    ],
    setup(svc) {
      svc.sagaStep(ops.Hold, async ({ key, amount, slowMs, refuse }, tx, step) => {
        if (refuse === name) throw new AppError('conflict', 'depot.refused', `${name} refuses to hold ${key}`);
        if (slowMs) await new Promise((r) => setTimeout(r, slowMs));
        const rs = await tx.execute('INSERT INTO holds (saga_id, key, amount, at_ms) VALUES (?, ?, ?, ?)', [step.sagaId, key, amount, Date.now()]);
        if (process.env.HEARTH_TEST_DIE_AT === 'hold') tx.afterCommit(() => process.kill(process.pid, 'SIGKILL'));
        return { holdId: Number(rs.lastInsertRowid) };
      });
      svc.sagaStep(ops.Release, async (_data, tx, step) => {
        const rs = await tx.execute('UPDATE holds SET released = 1 WHERE saga_id = ? AND released = 0', [step.sagaId]);
        await tx.execute('INSERT INTO releases (saga_id, released, at_ms) VALUES (?, ?, ?)', [step.sagaId, rs.rowsAffected, Date.now()]);
        return { released: rs.rowsAffected };
      });
      svc.handle(ops.Settled, async ({ sagaId }) => {
        const [row] = await svc.db.query('SELECT at_ms FROM holds WHERE saga_id = ?', [sagaId]);
        return { settled: row !== undefined && Date.now() - Number(row.at_ms) >= 300 };
      });
      svc.handle(ops.Items, async ({ sagaId, data }) => {
        const [row] = await svc.db.query('SELECT amount FROM holds WHERE saga_id = ?', [sagaId]);
        const all = Array.from({ length: Number(row?.amount ?? 0) }, (_, i) => i + 1);
        const from = data.after === undefined ? 0 : Number(data.after);
        const items = all.slice(from, from + 2);
        return from + 2 < all.length ? { items, next: String(from + 2) } : { items };
      });
      svc.handle(ops.State, async () => {
        const holds = await svc.db.query('SELECT saga_id, key, amount, released FROM holds ORDER BY id');
        const releases = await svc.db.query('SELECT saga_id, released, at_ms FROM releases ORDER BY rowid');
        return {
          holds: holds.map((r) => ({ sagaId: String(r.saga_id), key: String(r.key), amount: Number(r.amount), released: Number(r.released) === 1 })),
          releases: releases.map((r) => ({ sagaId: String(r.saga_id), released: Number(r.released), atMs: Number(r.at_ms) })),
        };
      });
    },
  });
}

export const north = depot('north');
export const south = depot('south');
