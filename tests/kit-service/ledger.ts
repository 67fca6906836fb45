/** The `ledger` test service: state + event in one transaction, an inline projection. */
import { AppError, defineService, on } from '../../src/kit/index.ts';
import { AddEntry, AddMany, EntryAdded, Explode, GetTotal } from './contracts.ts';

export default defineService({
  name: 'ledger',
  migrations: [
    { version: 1, name: 'entries', sql: 'CREATE TABLE entries (seq INTEGER PRIMARY KEY, key TEXT NOT NULL, amount INTEGER NOT NULL);' },
    { version: 2, name: 'totals', sql: 'CREATE TABLE totals (key TEXT PRIMARY KEY, total INTEGER NOT NULL, entries INTEGER NOT NULL);' },
  ],
  setup(svc) {
    // totals is an inline projection of the ledger's own events: rebuildable from the log.
    svc.project({
      name: 'totals',
      reset: async (tx) => void (await tx.execute('DELETE FROM totals')),
      handlers: [
        on(EntryAdded, async ({ data: { key, amount } }, tx) => {
          await tx.execute(
            `INSERT INTO totals (key, total, entries) VALUES (?, ?, 1)
             ON CONFLICT (key) DO UPDATE SET total = total + excluded.total, entries = entries + 1`,
            [key, amount],
          );
        }),
      ],
    });
    svc.handle(AddEntry, (req, ctx) =>
      ctx.write(async (tx) => {
        const e = await tx.append(EntryAdded, req, { stream: `key:${req.key}` });
        await tx.execute('INSERT INTO entries (seq, key, amount) VALUES (?, ?, ?)', [e.seq, req.key, req.amount]);
        const [row] = await tx.query('SELECT total FROM totals WHERE key = ?', [req.key]);
        return { seq: e.seq, total: Number(row!.total) };
      }),
    );
    svc.handle(AddMany, (req, ctx) =>
      ctx.write(async (tx) => {
        let head = 0;
        for (let i = 0; i < req.count; i++) {
          const e = await tx.append(EntryAdded, { key: req.key, amount: 1 });
          await tx.execute('INSERT INTO entries (seq, key, amount) VALUES (?, ?, 1)', [e.seq, req.key]);
          head = e.seq;
        }
        return { head };
      }),
    );
    svc.handle(GetTotal, async ({ key }) => {
      const rows = await svc.db.query('SELECT total, entries FROM totals WHERE key = ?', [key]);
      if (!rows[0]) throw new AppError('not_found', 'ledger.no_such_key', `No entries under ${key}`, { key });
      return { key, total: Number(rows[0].total), entries: Number(rows[0].entries) };
    });
    svc.handle(Explode, () => {
      throw new Error('boom');
    });
  },
});
