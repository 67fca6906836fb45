/**
 * What an orchestrator holds for each saga type it registered: `start` (inside the
 * transaction of the command that starts it, so the saga exists exactly when the
 * orchestrator's own change and events do) and `cancel`.
 */
import { check } from '../contract.ts';
import { AppError } from '../errors.ts';
import type { WriteTx } from '../es/write-tx.ts';
import { uuidv7 } from '../ids.ts';
import type { Logger } from '../log.ts';
import type { SagaDefinition } from './define.ts';
import { activeByKey, insertSaga, loadSaga, loadStep, updateSaga, type SagaState } from './store.ts';

/** What `start` and `cancel` answer. */
export interface SagaStarted {
  sagaId: string;
  state: SagaState;
  /** False when an unfinished saga of this type under the same key was found and returned instead. */
  created: boolean;
}

/** A registered saga type. */
export interface SagaHandle<I> {
  readonly type: string;
  /**
   * Starts a saga in `tx` (the driver takes it up once `tx` commits). With `key` (a business
   * key such as `user:<id>`), an unfinished saga of this type under that key is returned
   * instead of a second one. The input is checked against the saga's schema; keep personal
   * data out of it (ids, not names or e-mail addresses): it stays in the orchestrator's database.
   *
   * @example
   * svc.handle(DeleteMe, (req, ctx) => ctx.write(async (tx) => {
   *   await tx.execute("UPDATE users SET status = 'deleting' WHERE id = ?", [req.actor]);
   *   return deletion.start(tx, { userId: req.actor }, { key: `user:${req.actor}` });
   * }));
   */
  start(tx: WriteTx, input: I, o?: { key?: string }): Promise<SagaStarted>;
  /**
   * Cancels a running saga whose boundary step (`cancellableUntil`, else its current step)
   * has not begun: the steps done are compensated in reverse order, then it ends `cancelled`.
   * Refuses `kit.saga_not_cancellable` (conflict) once that step has begun or the saga ended;
   * `kit.no_such_saga` (not found) for an unknown id.
   */
  cancel(tx: WriteTx, sagaId: string): Promise<SagaStarted>;
}

/** The handle of `def`, waking the driver after each commit that starts or cancels one. */
export function sagaHandle<I>(def: SagaDefinition<I>, wake: () => void, log: Logger): SagaHandle<I> {
  return {
    type: def.type,
    async start(tx, input, o = {}) {
      const checked = check(def.input, input, 'kit.invalid_saga_input', `${def.type} saga input`);
      if (o.key !== undefined) {
        const found = await activeByKey(tx, def.type, o.key);
        if (found) return { sagaId: found.id, state: found.state, created: false };
      }
      const id = uuidv7();
      const now = Date.now();
      await insertSaga(tx, {
        id,
        type: def.type,
        key: o.key ?? null,
        input: checked,
        nextAt: now + (def.steps[0]?.delayMs ?? 0),
        deadlineAt: def.deadlineMs === undefined ? null : now + def.deadlineMs,
        createdAt: tx.at,
      });
      if (def.steps.length === 0) await updateSaga(tx, id, tx.at, { state: 'completed', finishedAt: tx.at });
      tx.afterCommit(wake);
      return { sagaId: id, state: def.steps.length ? 'running' : 'completed', created: true };
    },
    async cancel(tx, sagaId) {
      const s = await loadSaga(tx, sagaId);
      if (!s || s.type !== def.type) throw new AppError('not_found', 'kit.no_such_saga', `No ${def.type} saga ${sagaId}`, { sagaId });
      if (s.state === 'compensating' && s.cancelled) return { sagaId, state: s.state, created: false };
      const boundary = def.cancellableUntil === undefined ? s.step : def.steps.findIndex((x) => x.name === def.cancellableUntil);
      const begun = s.state !== 'running' || s.step > boundary || (await loadStep(tx, sagaId, boundary)) !== undefined;
      if (begun) {
        throw new AppError('conflict', 'kit.saga_not_cancellable', s.state === 'running' ? `The ${def.type} saga has begun ${def.steps[boundary]?.name ?? 'its last step'}: it can no longer be cancelled` : `The ${def.type} saga is ${s.state}`, {
          sagaId,
          state: s.state,
        });
      }
      // Compensation begins at the current step: the driver undoes it if it has begun (an
      // attempt may be in flight; its outcome is then dropped) and steps over it if not.
      await updateSaga(tx, sagaId, tx.at, { state: 'compensating', cancelled: true, waitingFor: null, nextAt: Date.now() });
      tx.afterCommit(wake);
      log.info('saga cancellation accepted', { sagaId, type: def.type });
      return { sagaId, state: 'compensating', created: false };
    },
  };
}
