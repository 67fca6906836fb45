/**
 * How a saga is declared: a type, an input schema and an ordered list of steps, each one of
 * four kinds — `call` (a participant's command, with an optional compensating command),
 * `pages` (a participant's read, page by page, each page stored in the orchestrator's own
 * transaction), `until` (a participant's read asked again until it confirms a state) and
 * `local` (a change in the orchestrator's own database). The driver (driver.ts) runs them;
 * docs/sagas.md explains the model.
 */
import * as v from 'valibot';
import type { Operation, ParsedRequestOf, ReplyOf, Schema } from '../contract.ts';
import type { WriteTx } from '../es/write-tx.ts';
import type { Backoff } from '../retry.ts';

/** What a step's functions see: the saga's id, its checked input and the replies of the steps done so far (by step name). */
export interface SagaScope<I> {
  sagaId: string;
  input: I;
  results: Readonly<Record<string, unknown>>;
}

/** What every step may say about time: when to begin, how long to keep trying, how to space attempts. */
interface StepTiming {
  /** A unique name within the saga (`erase_chat`): the participant's idempotency key is (saga id, name). */
  name: string;
  /** Milliseconds to wait after the previous step before this one begins (a grace period; default 0). */
  delayMs?: number;
  /**
   * Milliseconds this step may go without progress (from its first attempt, or its last page)
   * before the saga gives up and compensates; undefined: it is retried until the saga's deadline, or for ever.
   */
  timeoutMs?: number;
  /** Backoff with full jitter between attempts (default 200 ms, doubling, at most 30 s). */
  retry?: Backoff;
  /** Milliseconds one request may take (default: the service's `requestTimeoutMs`). */
  requestTimeoutMs?: number;
}

/** A participant's command, and optionally the command that undoes it. */
export interface CallStep<I, O extends Operation = Operation, U extends Operation = Operation> extends StepTiming {
  kind: 'call';
  send: O;
  request: (s: SagaScope<I>) => StepDataOf<O>;
  /** Undoes the step (only ever sent after the step succeeded); without it the step cannot be undone. */
  compensate?: { send: U; request: (s: SagaScope<I>) => StepDataOf<U> };
}

/** A participant's read in pages: each page is stored in the orchestrator's transaction that also records the cursor. */
export interface PagesStep<I, O extends Operation = Operation> extends StepTiming {
  kind: 'pages';
  send: O;
  request: (s: SagaScope<I>, cursor: string | undefined) => StepDataOf<O>;
  /** Stores one page (in the transaction that moves the cursor on, so a page is stored once). */
  store: (tx: WriteTx, page: ReplyOf<O>, s: SagaScope<I>) => Promise<void>;
  /** The cursor of the next page; undefined: that was the last one. */
  next: (page: ReplyOf<O>) => string | undefined;
}

/** A participant's read asked again (with backoff) until `done` says the awaited state is reached. */
export interface UntilStep<I, O extends Operation = Operation> extends StepTiming {
  kind: 'until';
  send: O;
  request: (s: SagaScope<I>) => StepDataOf<O>;
  done: (reply: ReplyOf<O>) => boolean;
  /** What the saga shows it waits for (default: the operation's subject). */
  awaiting?: string;
}

/** A change in the orchestrator's own database, in the transaction that records the step. */
export interface LocalStep<I> extends StepTiming {
  kind: 'local';
  run: (tx: WriteTx, s: SagaScope<I>) => Promise<unknown>;
  compensate?: (tx: WriteTx, s: SagaScope<I>) => Promise<unknown>;
}

/** One step of a saga. */
export type SagaStep<I> = CallStep<I> | PagesStep<I> | UntilStep<I> | LocalStep<I>;

/** What a saga's end runs, in the transaction that records it (append the orchestrator's event here). */
export type SagaHook<I> = (tx: WriteTx, s: SagaScope<I> & { error?: { code: string; message: string } }) => Promise<void>;

/** A saga: its type, input, steps and hooks. */
export interface SagaDefinition<I = unknown> {
  type: string;
  input: Schema<I>;
  steps: readonly SagaStep<I>[];
  /** Milliseconds from its start the whole saga may take before it gives up and compensates (default: no limit). */
  deadlineMs?: number;
  /** The name of the first step that may not have begun for a cancellation to be accepted (default: any step not yet begun). */
  cancellableUntil?: string;
  onCompleted?: SagaHook<I>;
  /** Runs when the saga ends failed (after compensating what it could). */
  onFailed?: SagaHook<I>;
  onCancelled?: SagaHook<I>;
}

const STEP_NAME = /^[a-z][a-z0-9_-]*$/;

/**
 * Declares a saga (checks its step names).
 *
 * @example
 * const Move = saga({ type: 'move', input: v.object({ key: v.string() }), steps: [
 *   call({ name: 'hold', send: Hold, request: ({ input }) => ({ key: input.key }), compensate: { send: Release, request: ({ input }) => ({ key: input.key }) } }),
 *   local({ name: 'finish', run: (tx, { input }) => tx.execute('INSERT INTO moved VALUES (?)', [input.key]) }),
 * ] });
 */
export function saga<I>(def: SagaDefinition<I>): SagaDefinition<I> {
  if (!STEP_NAME.test(def.type)) throw new Error(`saga type "${def.type}" must match ${STEP_NAME}`);
  const names = new Set<string>();
  for (const s of def.steps) {
    if (!STEP_NAME.test(s.name)) throw new Error(`step "${s.name}" of ${def.type} must match ${STEP_NAME}`);
    if (names.has(s.name)) throw new Error(`${def.type} has two steps named ${s.name}`);
    names.add(s.name);
  }
  if (def.cancellableUntil !== undefined && !names.has(def.cancellableUntil)) throw new Error(`${def.type}: cancellableUntil names no step`);
  return def;
}

/** A `call` step (types flow from its operations). */
export function call<I, O extends Operation, U extends Operation = Operation>(s: Omit<CallStep<I, O, U>, 'kind'>): SagaStep<I> {
  return { kind: 'call', ...s } as unknown as SagaStep<I>;
}
/** A `pages` step. */
export function pages<I, O extends Operation>(s: Omit<PagesStep<I, O>, 'kind'>): SagaStep<I> {
  return { kind: 'pages', ...s } as unknown as SagaStep<I>;
}
/** An `until` step. */
export function until<I, O extends Operation>(s: Omit<UntilStep<I, O>, 'kind'>): SagaStep<I> {
  return { kind: 'until', ...s } as unknown as SagaStep<I>;
}
/** A `local` step. */
export function local<I>(s: Omit<LocalStep<I>, 'kind'>): SagaStep<I> {
  return { kind: 'local', ...s };
}

/** The step's own data of a saga operation. */
export type StepDataOf<O> = ParsedRequestOf<O> extends StepRequest<infer D> ? D : never;

/** The envelope every saga step request has: which saga, which step, and the step's own data. */
export type StepRequest<D> = { sagaId: string; step: string; data: D };

/**
 * Declares a participant's step command on `saga.<participant>.<name>`: the participant
 * answers it with `api.sagaStep`, which applies it once per (saga id, step) and answers a
 * repeat with the first answer.
 *
 * @example
 * export const EraseUser = sagaCommand('chat', 'erase_user', { version: 1, request: v.object({ userId: Id }), reply: v.object({ erased: v.number() }) });
 */
export function sagaCommand<Req, Res>(participant: string, name: string, spec: { version: number; request: Schema<Req>; reply: Schema<Res> }): Operation<StepRequest<Req>, Res> {
  return stepOp('command', participant, name, spec);
}

/**
 * Declares a participant's read for a saga (`pages`, `until` steps) on `saga.<participant>.<name>`;
 * answered with `api.handle` (reads need no record).
 *
 * @example
 * export const UserData = sagaQuery('chat', 'user_data', { version: 1, request: v.object({ userId: Id, after: v.optional(v.string()) }), reply: Page });
 */
export function sagaQuery<Req, Res>(participant: string, name: string, spec: { version: number; request: Schema<Req>; reply: Schema<Res> }): Operation<StepRequest<Req>, Res> {
  return stepOp('query', participant, name, spec);
}

function stepOp<Req, Res>(kind: 'command' | 'query', participant: string, name: string, spec: { version: number; request: Schema<Req>; reply: Schema<Res> }): Operation<StepRequest<Req>, Res> {
  if (!STEP_NAME.test(participant) || !STEP_NAME.test(name)) throw new Error(`saga operation ${participant}.${name} must match ${STEP_NAME}`);
  return {
    kind,
    service: participant,
    name,
    subject: `saga.${participant}.${name}`,
    version: spec.version,
    request: v.strictObject({ sagaId: v.pipe(v.string(), v.minLength(1), v.maxLength(100)), step: v.pipe(v.string(), v.regex(/^(undo:)?[a-z][a-z0-9_-]*$/)), data: spec.request }) as v.GenericSchema<StepRequest<Req>, StepRequest<Req>>,
    reply: spec.reply,
    idempotent: true, // a command is recorded by the participant (participant.ts); a query only reads
  };
}
