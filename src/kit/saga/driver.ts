/**
 * The saga driver of one orchestrating service: it finds the sagas that are due (every
 * unfinished one at start, so a crash of the orchestrator loses nothing), and moves each
 * by one attempt at a time. An attempt is claimed in a transaction (attempts + 1) before
 * its request goes out, and its outcome is recorded in another that first checks the saga
 * is still where the claim left it; a step's reply, a stored page, a local step's change and
 * the saga's move to the next step commit together. Participants apply each step once
 * (participant.ts), so an attempt repeated after a crash on either side is harmless.
 */
import type { Requester } from '../bus/index.ts';
import type { Db } from '../db/index.ts';
import { AppError, toAppError } from '../errors.ts';
import type { WriteTx } from '../es/write-tx.ts';
import type { Logger } from '../log.ts';
import { backoffDelay, type Backoff } from '../retry.ts';
import type { SagaDefinition, SagaScope, SagaStep } from './define.ts';
import { beginStep, dueSagas, loadSaga, loadStep, nextDue, updateSaga, updateStep, type SagaError, type SagaRow } from './store.ts';

/** What the driver needs from its service. */
export interface DriverMeans {
  db: Db;
  requester: Requester;
  log: Logger;
  /** A transaction whose appends carry `correlationId` (the saga's id). */
  write<T>(correlationId: string, fn: (tx: WriteTx) => Promise<T>): Promise<T>;
  requestTimeoutMs: number;
  /** Longest pause between two looks for due sagas (default 1000 ms). */
  pollMs?: number;
  /** Sagas moved at once (default 4). */
  concurrency?: number;
}

/** The backoff of a step that says none. */
export const DEFAULT_STEP_RETRY: Backoff = { initialMs: 200, maxMs: 30_000 };

/** Errors worth another attempt: the participant was away, slow, busy or failed inside. */
export const retryableStepError = (e: AppError): boolean => e.retryable || e.kind === 'internal' || e.kind === 'insufficient_storage';

/** How long a saga whose attempt threw is left alone (so a persistent fault does not spin). */
const REST_MS = 2000;

const wire = (e: AppError): SagaError => ({ code: e.code, message: e.message });

/** Runs a service's sagas. */
export class SagaDriver {
  readonly #m: DriverMeans;
  readonly #defs = new Map<string, SagaDefinition<unknown>>();
  readonly #busy = new Map<string, Promise<void>>();
  /** Sagas whose last attempt threw before recording anything (a database fault, a bug in a `store`): left alone a while. */
  readonly #resting = new Map<string, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #started = false;
  #stopped = false;
  #passing = false;
  #again = false;

  constructor(m: DriverMeans) {
    this.#m = m;
  }

  /** Adds a saga type this service orchestrates. */
  register(def: SagaDefinition<unknown>): void {
    if (this.#defs.has(def.type)) throw new Error(`saga ${def.type} is registered twice`);
    this.#defs.set(def.type, def);
  }

  /** The definition registered for `type` (undefined: a saga type this build does not run). */
  definition(type: string): SagaDefinition<unknown> | undefined {
    return this.#defs.get(type);
  }

  /** Begins driving: every unfinished saga is due from now (its stored next attempt time kept). */
  start(): void {
    this.#started = true;
    if (this.#defs.size) this.wake();
  }

  /** Stops taking new attempts and waits for those in flight (each bounded by its request timeout). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await Promise.all([...this.#busy.values()]);
  }

  /** Looks for due sagas now (after a commit that started, moved or cancelled one). */
  wake(): void {
    if (!this.#started || this.#stopped) return;
    if (this.#passing) return void (this.#again = true);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#pass(), 0);
  }

  async #pass(): Promise<void> {
    this.#passing = true;
    try {
      const limit = (this.#m.concurrency ?? 4) - this.#busy.size;
      const now = Date.now();
      for (const [id, until] of this.#resting) if (until <= now) this.#resting.delete(id);
      const ids = limit > 0 ? (await dueSagas(this.#m.db, now, limit + this.#busy.size + this.#resting.size)).filter((id) => !this.#busy.has(id) && !this.#resting.has(id)).slice(0, limit) : [];
      for (const id of ids) {
        const p = this.#advance(id)
          .catch((err) => {
            this.#resting.set(id, Date.now() + REST_MS);
            this.#m.log.error('saga attempt failed before its outcome was recorded; tried again later', { sagaId: id, err });
          })
          .finally(() => {
            this.#busy.delete(id);
            this.wake(); // the saga's next step is usually due at once
          });
        this.#busy.set(id, p);
      }
    } catch (err) {
      this.#m.log.warn('could not look for due sagas', { err });
    } finally {
      this.#passing = false;
    }
    if (this.#stopped) return;
    if (this.#again) return void ((this.#again = false), this.wake());
    // A saga due already is in flight (its end wakes the driver), waiting for a free slot
    // (likewise), resting or of an unknown type: none is worth a look before the next poll.
    const next = await nextDue(this.#m.db).catch(() => undefined);
    const pollMs = this.#m.pollMs ?? 1000;
    const wait = next === undefined || next <= Date.now() ? pollMs : Math.min(pollMs, next - Date.now());
    clearTimeout(this.#timer);
    if (!this.#stopped) this.#timer = setTimeout(() => void this.#pass(), wait);
  }

  /** One attempt at saga `id`'s current step (forward or compensating). */
  async #advance(id: string): Promise<void> {
    const s = await loadSaga(this.#m.db, id);
    if (!s || (s.state !== 'running' && s.state !== 'compensating')) return;
    const def = this.#defs.get(s.type);
    if (!def) {
      this.#resting.set(id, Infinity); // for as long as this process runs
      this.#m.log.warn('saga of a type this service does not define left as it is', { sagaId: id, type: s.type });
      return;
    }
    if (s.state === 'running') await this.#forward(def, s);
    else await this.#backward(def, s);
  }

  async #forward(def: SagaDefinition<unknown>, s: SagaRow): Promise<void> {
    const i = s.step;
    const step = def.steps[i]!;
    const scope = (r: SagaRow): SagaScope<unknown> => ({ sagaId: r.id, input: r.input, results: r.results });
    // Claim the attempt: attempts + 1, or give up when the step or the saga is out of time.
    const claimed = this.#m.write(s.id, async (tx) => {
      const now = Date.now();
      const cur = await loadSaga(tx, s.id);
      if (!cur || cur.state !== 'running' || cur.step !== i) return undefined; // moved meanwhile (a cancellation)
      const row = (await loadStep(tx, s.id, i)) ?? (await beginStep(tx, s.id, i, step.name, now, tx.at));
      const late = cur.deadlineAt !== null && now > cur.deadlineAt
        ? new AppError('timeout', 'kit.saga_deadline', `The saga did not finish within ${def.deadlineMs} ms`)
        : step.timeoutMs !== undefined && row.attempts > 0 && now - row.since > step.timeoutMs
          ? new AppError('timeout', 'kit.saga_step_timeout', `Step ${step.name} made no progress for ${step.timeoutMs} ms: ${row.lastError?.message ?? 'no answer'}`)
          : undefined;
      if (late) return void (await this.#fail(tx, def, cur, i, late, false)); // the step keeps its participant's last error
      await updateStep(tx, s.id, i, { attempts: row.attempts + 1, status: 'running' });
      if (step.kind === 'local') {
        const result = await step.run(tx, scope(cur));
        await this.#stepDone(tx, def, cur, i, result ?? null);
        return undefined;
      }
      await updateSaga(tx, s.id, tx.at, { waitingFor: 'awaiting' in step && step.awaiting ? step.awaiting : `${step.send.subject} reply` });
      return { cur, attempts: row.attempts + 1, pages: row.pages };
    });
    // A local step that throws rolled its transaction back: its error is recorded like a participant's.
    const claim = step.kind === 'local' ? await claimed.catch((err: unknown) => this.#failedAttempt(def, s, i, step, undefined, toAppError(err))) : await claimed;
    if (!claim || step.kind === 'local') return;
    const { cur } = claim;
    let reply: unknown;
    try {
      const data = step.kind === 'pages' ? step.request(scope(cur), cur.cursor ?? undefined) : step.request(scope(cur));
      reply = await this.#m.requester.request(step.send, { sagaId: s.id, step: step.name, data }, {
        retry: false,
        breaker: false, // the saga paces itself; a user's requests must not find the breaker open because of it
        timeoutMs: step.requestTimeoutMs ?? this.#m.requestTimeoutMs,
        correlationId: s.id,
      });
    } catch (err) {
      return this.#failedAttempt(def, cur, i, step, claim.attempts, toAppError(err));
    }
    await this.#m.write(s.id, async (tx) => {
      // Reached, even when the saga moved meanwhile (cancelled while this was in flight): its
      // compensation, which waits for this attempt (one attempt per saga at a time), must undo it.
      await updateStep(tx, s.id, i, { reached: true });
      const now = await loadSaga(tx, s.id);
      if (!now || now.state !== 'running' || now.step !== i) return;
      if (step.kind === 'call') return this.#stepDone(tx, def, now, i, reply);
      if (step.kind === 'until') {
        if (step.done(reply as never)) return this.#stepDone(tx, def, now, i, reply);
        return updateSaga(tx, s.id, tx.at, { nextAt: Date.now() + backoffDelay(step.retry ?? DEFAULT_STEP_RETRY, claim.attempts - 1) });
      }
      // pages: the page is stored with the cursor that points past it, so it is stored once
      // (and not at all if another driver on the same database stored it meanwhile).
      if (now.cursor !== cur.cursor) return;
      await step.store(tx, reply as never, scope(now));
      await updateStep(tx, s.id, i, { pages: claim.pages + 1, since: Date.now(), lastError: null });
      const next = step.next(reply as never);
      if (next === undefined) return this.#stepDone(tx, def, now, i, { pages: claim.pages + 1 });
      await updateSaga(tx, s.id, tx.at, { cursor: next, nextAt: Date.now(), lastError: null });
    });
  }

  /** Records a failed attempt (`attempts` undefined: the attempt's claim rolled back, so it is counted here). */
  async #failedAttempt(def: SagaDefinition<unknown>, s: SagaRow, i: number, step: SagaStep<unknown>, attempts: number | undefined, e: AppError): Promise<void> {
    await this.#m.write(s.id, async (tx) => {
      const cur = await loadSaga(tx, s.id);
      const reached = retryableStepError(e) && e.code !== 'kit.no_responders'; // a refusal applied nothing
      if (reached && attempts !== undefined) await updateStep(tx, s.id, i, { reached: true }); // as above, even if the saga moved
      if (!cur || cur.state !== 'running' || cur.step !== i) return;
      if (attempts === undefined) {
        const row = (await loadStep(tx, s.id, i)) ?? (await beginStep(tx, s.id, i, step.name, Date.now(), tx.at));
        attempts = row.attempts + 1;
        await updateStep(tx, s.id, i, { attempts });
      }
      if (!retryableStepError(e)) return this.#fail(tx, def, cur, i, e); // the participant answered: it refused
      this.#m.log.debug('saga step will be tried again', { sagaId: s.id, step: step.name, code: e.code, attempts });
      await updateStep(tx, s.id, i, { lastError: wire(e) });
      await updateSaga(tx, s.id, tx.at, { lastError: wire(e), nextAt: Date.now() + backoffDelay(step.retry ?? DEFAULT_STEP_RETRY, attempts - 1) });
    });
  }

  /** Records step `i` done and moves to the next step, or completes the saga. */
  async #stepDone(tx: WriteTx, def: SagaDefinition<unknown>, s: SagaRow, i: number, result: unknown): Promise<void> {
    const results = { ...s.results, [def.steps[i]!.name]: result };
    await updateStep(tx, s.id, i, { status: 'done', doneAt: tx.at, lastError: null });
    const next = def.steps[i + 1];
    if (!next) {
      await updateSaga(tx, s.id, tx.at, { state: 'completed', step: i + 1, results, cursor: null, waitingFor: null, lastError: null, finishedAt: tx.at });
      await def.onCompleted?.(tx, { sagaId: s.id, input: s.input, results });
      this.#m.log.info('saga completed', { sagaId: s.id, type: s.type });
      return;
    }
    await updateSaga(tx, s.id, tx.at, { step: i + 1, results, cursor: null, waitingFor: null, lastError: null, nextAt: Date.now() + (next.delayMs ?? 0) });
  }

  /** Step `i` failed for good: compensate from it (its effect is unknown) backwards. */
  async #fail(tx: WriteTx, def: SagaDefinition<unknown>, s: SagaRow, i: number, e: AppError, stepError = true): Promise<void> {
    this.#m.log.warn('saga step failed; compensating', { sagaId: s.id, type: s.type, step: def.steps[i]!.name, code: e.code });
    await updateStep(tx, s.id, i, { status: 'failed', ...(stepError ? { lastError: wire(e) } : {}) });
    await updateSaga(tx, s.id, tx.at, { state: 'compensating', step: i, waitingFor: null, lastError: wire(e), nextAt: Date.now() });
  }

  async #backward(def: SagaDefinition<unknown>, s: SagaRow): Promise<void> {
    const j = s.step;
    const step = def.steps[j];
    const claim = await this.#m.write(s.id, async (tx) => {
      const cur = await loadSaga(tx, s.id);
      if (!cur || cur.state !== 'compensating' || cur.step !== j) return undefined;
      const row = step && (await loadStep(tx, s.id, j));
      // Nothing to undo: never begun, never delivered (no responders each time: with core NATS
      // nobody received it), already undone, or a step that cannot be undone. A step begun
      // whose outcome is unknown (a timeout) is undone: the participant's undo is harmless
      // when the step was not applied, and the step is refused after its undo (participant.ts).
      if (!step || !row || row.status === 'compensated' || (!row.reached && step.kind !== 'local') || step.kind === 'pages' || step.kind === 'until' || !step.compensate) {
        await moveBack(tx, def, cur, j, this.#m.log);
        return undefined;
      }
      await updateStep(tx, s.id, j, { status: 'compensating', undoAttempts: row.undoAttempts + 1 });
      if (step.kind === 'local') {
        await step.compensate(tx, { sagaId: cur.id, input: cur.input, results: cur.results });
        await updateStep(tx, s.id, j, { status: 'compensated' });
        await moveBack(tx, def, cur, j, this.#m.log);
        return undefined;
      }
      await updateSaga(tx, s.id, tx.at, { waitingFor: `${step.compensate.send.subject} reply` });
      return { cur, undoAttempts: row.undoAttempts + 1 };
    });
    if (!claim || !step || step.kind !== 'call' || !step.compensate) return;
    const { cur } = claim;
    try {
      await this.#m.requester.request(step.compensate.send, { sagaId: s.id, step: `undo:${step.name}`, data: step.compensate.request({ sagaId: cur.id, input: cur.input, results: cur.results }) }, {
        retry: false,
        breaker: false,
        timeoutMs: step.requestTimeoutMs ?? this.#m.requestTimeoutMs,
        correlationId: s.id,
      });
    } catch (err) {
      const e = toAppError(err);
      return this.#m.write(s.id, async (tx) => {
        const now = await loadSaga(tx, s.id);
        if (!now || now.state !== 'compensating' || now.step !== j) return;
        if (!retryableStepError(e)) {
          // A compensation refused for good needs a person: the saga stops, failed, saying which.
          this.#m.log.error('saga compensation refused; the saga stops here', { sagaId: s.id, step: step.name, code: e.code });
          await updateStep(tx, s.id, j, { lastError: wire(e) });
          return finish(tx, def, now, 'failed', { code: e.code, message: `Compensation of ${step.name} failed: ${e.message}` });
        }
        // Compensations are retried for as long as it takes: an undo that is possible must happen.
        await updateStep(tx, s.id, j, { lastError: wire(e) });
        await updateSaga(tx, s.id, tx.at, { nextAt: Date.now() + backoffDelay(step.retry ?? DEFAULT_STEP_RETRY, claim.undoAttempts - 1) });
      });
    }
    await this.#m.write(s.id, async (tx) => {
      const now = await loadSaga(tx, s.id);
      if (!now || now.state !== 'compensating' || now.step !== j) return;
      await updateStep(tx, s.id, j, { status: 'compensated', lastError: null });
      await moveBack(tx, def, now, j, this.#m.log);
    });
  }
}

/** Compensation moves from step `j` to `j - 1`, or ends the saga (cancelled or failed) past the first. */
export async function moveBack(tx: WriteTx, def: SagaDefinition<unknown>, s: SagaRow, j: number, log: Logger): Promise<void> {
  if (j > 0) return updateSaga(tx, s.id, tx.at, { step: j - 1, waitingFor: null, nextAt: Date.now() });
  await finish(tx, def, s, s.cancelled ? 'cancelled' : 'failed', s.lastError);
  log.info(s.cancelled ? 'saga cancelled' : 'saga failed, compensated', { sagaId: s.id, type: s.type });
}

/** Ends a saga that compensated (or one whose compensation was refused), running its hook. */
export async function finish(tx: WriteTx, def: SagaDefinition<unknown>, s: SagaRow, state: 'cancelled' | 'failed', error: SagaError | null): Promise<void> {
  await updateSaga(tx, s.id, tx.at, { state, step: -1, waitingFor: null, lastError: error, finishedAt: tx.at });
  const scope = { sagaId: s.id, input: s.input, results: s.results, ...(error ? { error } : {}) };
  await (state === 'cancelled' ? def.onCancelled : def.onFailed)?.(tx, scope);
}
