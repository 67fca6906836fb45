/** The `tally` test service: consumes ledger's events and counts every application. */
import { defineService, on } from '../../src/kit/index.ts';
import { EntryAdded, GetTally } from './contracts.ts';

export default defineService({
  name: 'tally',
  migrations: [{ version: 1, name: 'applied', sql: 'CREATE TABLE applied (seq INTEGER NOT NULL, id TEXT NOT NULL);' }],
  setup(svc) {
    svc.consume('ledger', {
      // No uniqueness constraint on purpose: a duplicate application would show up in the count.
      handlers: [on(EntryAdded, (e, tx) => tx.execute('INSERT INTO applied (seq, id) VALUES (?, ?)', [e.seq, e.id]))],
      reset: (tx) => tx.execute('DELETE FROM applied'),
    });
    svc.handle(GetTally, async () => {
      const [row] = await svc.db.query('SELECT count(*) AS n, count(DISTINCT id) AS d FROM applied');
      const [cp] = await svc.db.query("SELECT seq FROM kit_checkpoints WHERE source = 'ledger'");
      const applied = Number(row!.n);
      const distinct = Number(row!.d);
      return { applied, distinct, duplicates: applied - distinct, checkpoint: Number(cp?.seq ?? 0) };
    });
  },
});
