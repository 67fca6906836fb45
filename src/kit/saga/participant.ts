/**
 * The participant's side of a saga step: applied once per (saga id, step), in the
 * participant's own transaction. The first application records its answer in
 * `kit_saga_applied` in the same transaction as its effect; a repeat (the orchestrator
 * retrying after a lost reply, a crash of either side) gets that answer back without the
 * effect running again. A step whose undo (`undo:<step>`) is already recorded is refused
 * (`kit.saga_step_undone`): a forward request that arrives late must not redo what the
 * compensation undid.
 */
import { decode, encode } from '../codec.ts';
import { AppError } from '../errors.ts';
import type { WriteTx } from '../es/write-tx.ts';
import type { StepRequest } from './define.ts';

/** What a step's effect gets besides its data: which saga and step it is. */
export interface StepContext {
  sagaId: string;
  step: string;
  /** Whether this saga's step `name` was applied here (an undo may ask whether there is anything to undo). */
  applied(name: string): Promise<boolean>;
}

/**
 * Runs `fn` once for `req`'s (saga id, step) in `tx`, or answers with the recorded reply.
 *
 * @example
 * svc.handle(EraseUser, (req, ctx) => ctx.write((tx) => applyStepOnce(tx, req, (data) => eraseUser(tx, data.userId))));
 * // or, the same: svc.sagaStep(EraseUser, (data, tx) => eraseUser(tx, data.userId));
 */
export async function applyStepOnce<D, R>(tx: WriteTx, req: StepRequest<D>, fn: (data: D, ctx: StepContext) => Promise<R>): Promise<R> {
  const [done] = await tx.query('SELECT reply FROM kit_saga_applied WHERE saga_id = ? AND step = ?', [req.sagaId, req.step]);
  if (done) return decode(new Uint8Array(done.reply as ArrayBuffer)) as R;
  if (!req.step.startsWith('undo:')) {
    const [undone] = await tx.query('SELECT 1 FROM kit_saga_applied WHERE saga_id = ? AND step = ?', [req.sagaId, `undo:${req.step}`]);
    if (undone) throw new AppError('conflict', 'kit.saga_step_undone', `Step ${req.step} of saga ${req.sagaId} was compensated already`, { sagaId: req.sagaId, step: req.step });
  }
  const applied = async (name: string) => (await tx.query('SELECT 1 FROM kit_saga_applied WHERE saga_id = ? AND step = ?', [req.sagaId, name])).length > 0;
  const reply = await fn(req.data, { sagaId: req.sagaId, step: req.step, applied });
  await tx.execute('INSERT INTO kit_saga_applied (saga_id, step, reply, at) VALUES (?, ?, ?, ?)', [req.sagaId, req.step, encode(reply ?? null), tx.at]);
  return reply;
}

/**
 * For the crash tests only (tests/sagas/account-deletion*.test.ts): when the environment
 * variable `TEST_HEARTH_SAGA_KILL` lists `<service>.<step op>` (comma-separated), the
 * process SIGKILLs itself right after such a step's transaction commits and before it
 * answers — the worst moment: the effect is stored, the orchestrator never hears of it.
 * Only a step's first application gets here (a repeat is answered from the record), so a
 * restarted process answers the retry and dies again only at another saga's step.
 */
export function killAfterStepForTests(tx: WriteTx, which: string): void {
  const list = globalThis.process?.env?.TEST_HEARTH_SAGA_KILL;
  if (list && list.split(',').includes(which)) tx.afterCommit(() => globalThis.process.kill(globalThis.process.pid, 'SIGKILL'));
}
