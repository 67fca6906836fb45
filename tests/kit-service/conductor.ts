/**
 * The saga orchestrator of the tests. Its `move` saga: hold at north (undone by a release),
 * hold at south (likewise; `settings.southTimeoutMs` bounds it), wait until south says the
 * hold settled (begins `settings.graceMs` after the holds: the saga can be cancelled until
 * then; `settings.deadlineMs` bounds the whole saga), collect north's items page by page, and finish locally. Hooks record the outcome.
 */
import * as v from 'valibot';
import { AppError, call, defineService, local, pages, saga, until, type WriteTx } from '../../src/kit/index.ts';
import { CancelMove, depotOps, GetConductor, StartMove } from './saga-contracts.ts';

const north = depotOps('north');
const south = depotOps('south');

const Settings = v.object({ southTimeoutMs: v.optional(v.number()), graceMs: v.optional(v.number()), deadlineMs: v.optional(v.number()) });
const Input = v.object({ key: v.string(), amount: v.number(), slowMs: v.optional(v.number()), refuse: v.optional(v.picklist(['north', 'south', 'conductor'])) });
const depotRefusal = (i: Input) => (i.refuse === 'conductor' ? undefined : i.refuse);
type Input = v.InferOutput<typeof Input>;

const quick = { initialMs: 100, maxMs: 400 };
const outcome = (what: string) => async (tx: WriteTx, s: { sagaId: string }) => void (await tx.execute('INSERT INTO outcomes (saga_id, outcome) VALUES (?, ?)', [s.sagaId, what]));

/** The `move` saga, timed by the conductor's settings. */
function moveSaga(o: v.InferOutput<typeof Settings>) {
  return saga<Input>({
    type: 'move',
    input: Input,
    cancellableUntil: 'settle',
    deadlineMs: o.deadlineMs,
    steps: [
      call({ name: 'hold_north', send: north.Hold, request: ({ input }) => ({ key: input.key, amount: input.amount, refuse: depotRefusal(input) }), compensate: { send: north.Release, request: ({ input }) => ({ key: input.key }) }, retry: quick }),
      call({
        name: 'hold_south',
        send: south.Hold,
        request: ({ input }) => ({ key: input.key, amount: input.amount, slowMs: input.slowMs, refuse: depotRefusal(input) }),
        compensate: { send: south.Release, request: ({ input }) => ({ key: input.key }) },
        retry: quick,
        timeoutMs: o.southTimeoutMs,
      }),
      until({ name: 'settle', send: south.Settled, request: ({ input }) => ({ key: input.key }), done: (r) => r.settled, awaiting: 'south to settle the hold', delayMs: o.graceMs, retry: quick }),
      pages({
        name: 'collect',
        send: north.Items,
        request: ({ input }, after) => ({ key: input.key, ...(after === undefined ? {} : { after }) }),
        store: async (tx, page, { sagaId }) => {
          for (const n of page.items) await tx.execute('INSERT INTO collected (saga_id, n) VALUES (?, ?)', [sagaId, n]);
        },
        next: (page) => page.next,
        retry: quick,
      }),
      local({
        name: 'finish',
        run: async (tx, { sagaId, input }) => {
          await tx.execute('INSERT INTO finished (saga_id) VALUES (?)', [sagaId]);
          if (input.refuse === 'conductor') throw new AppError('conflict', 'conductor.refused', 'The conductor refuses to finish');
        },
      }),
    ],
    onCompleted: outcome('completed'),
    onFailed: outcome('failed'),
    onCancelled: outcome('cancelled'),
  });
}

export default defineService({
  name: 'conductor',
  migrations: [
    {
      version: 1,
      name: 'moves',
      sql: `CREATE TABLE collected (saga_id TEXT NOT NULL, n INTEGER NOT NULL);
            CREATE TABLE finished (saga_id TEXT NOT NULL);
            CREATE TABLE outcomes (saga_id TEXT NOT NULL, outcome TEXT NOT NULL);`,
    },
  ],
  setup(svc) {
    const moves = svc.saga(moveSaga(v.parse(Settings, svc.settings)));
    svc.handle(StartMove, (req, ctx) => ctx.write((tx) => moves.start(tx, req, { key: `key:${req.key}` })));
    svc.handle(CancelMove, (req, ctx) => ctx.write((tx) => moves.cancel(tx, req.sagaId)));
    svc.handle(GetConductor, async ({ sagaId }) => {
      const items = await svc.db.query('SELECT n FROM collected WHERE saga_id = ? ORDER BY rowid', [sagaId]);
      const [fin] = await svc.db.query('SELECT count(*) AS n FROM finished WHERE saga_id = ?', [sagaId]);
      const outs = await svc.db.query('SELECT outcome FROM outcomes WHERE saga_id = ?', [sagaId]);
      if (outs.length > 1) throw new Error(`saga ${sagaId} ended ${outs.length} times`);
      return { items: items.map((r) => Number(r.n)), finished: Number(fin!.n), outcome: outs[0] ? String(outs[0].outcome) : null };
    });
  },
});
