/**
 * What a service is: a name, its migrations, and a `setup` that registers its handlers,
 * projections and consumers on the API it is given. The kit does everything else (database,
 * broker, event log, relay, health, log reads, shutdown), so every service is small and
 * all of them are alike.
 */
import type { CallOptions, Handler, HandlerContext } from '../bus/index.ts';
import type { Operation, ParsedRequestOf, ReplyOf, RequestOf } from '../contract.ts';
import type { Db, Migration, Tx } from '../db/index.ts';
import type { Envelope } from '../envelope.ts';
import type { EventLog, InlineProjection } from '../es/event-log.ts';
import type { WriteTx } from '../es/write-tx.ts';
import type { EventHandler } from '../es/handlers.ts';
import type { ConsumerSpec } from '../es/consumer.ts';
import type { Logger } from '../log.ts';
import type { SagaDefinition, StepDataOf, StepRequest } from '../saga/define.ts';
import type { SagaHandle } from '../saga/handle.ts';
import type { StepContext } from '../saga/participant.ts';

export type { WriteTx };

/** How `ctx.write` commits. */
export interface WriteOptions {
  /**
   * Share the transaction with other writes arriving meanwhile (group commit, db/group-commit.ts):
   * one fsync for many small writes; `fn` runs in a savepoint of its own, so its failure rolls
   * back only its work, and its answer comes after the shared commit. For hot, small, independent
   * writes (location's fixes); `fn` must not depend on being alone in its transaction.
   */
  group?: boolean;
}

/** What a handler of a service gets: the request's trace, its logger, and its service's means. */
export interface RequestContext extends HandlerContext {
  /**
   * One transaction: state changes and the events they cause commit together.
   *
   * @example
   * ctx.write((tx) => tx.append(NoteAdded, req));
   * ctx.write((tx) => recordFix(tx, req), { group: true }); // many small writes, one commit
   */
  write<T>(fn: (tx: WriteTx) => Promise<T>, o?: WriteOptions): Promise<T>;
}

/**
 * A projection of the service's own events: its name, how to empty it, and its handlers.
 *
 * @example
 * { name: 'notes', reset: (tx) => tx.execute('DELETE FROM notes'), handlers: [on(NoteAdded, addNote)] }
 */
export interface ProjectionSpec {
  name: string;
  /** Empties the projection's tables (for a rebuild). */
  reset?(tx: Tx): Promise<unknown>;
  handlers: readonly EventHandler[];
}

/**
 * What a consumer of another service's events does: its handlers, and how to empty what it built.
 *
 * @example
 * { reset: (tx) => tx.execute('DELETE FROM members'), handlers: [on(users.MemberJoined, join)] }
 */
export interface ConsumeSpec {
  /** Empties what this consumer built (for a rebuild). */
  reset?(tx: Tx): Promise<unknown>;
  handlers: readonly EventHandler[];
}

/** A handler of a service operation. */
export type ServiceHandler<O extends Operation> = (req: ParsedRequestOf<O>, ctx: RequestContext) => Promise<ReplyOf<O>> | ReplyOf<O>;

/** The means `setup` registers things with. */
export interface ServiceApi {
  readonly name: string;
  /** The process's configuration as the host loaded it; a service checks the part it reads with its own schema. */
  readonly settings: unknown;
  readonly db: Db;
  readonly events: EventLog;
  readonly log: Logger;
  handle<O extends Operation>(op: O, fn: ServiceHandler<O>): void;
  /**
   * The clock (epoch ms; `RunOptions.now`, default `Date.now`): it stamps events' `at` and
   * checkpoints; routes and handlers read the time here so a test can set it.
   *
   * @example
   * const horizon = new Date(api.now() - retentionMs).toISOString();
   */
  now(): number;
  /**
   * A projection of this service's own events, updated in the appending transaction. An
   * event that fails its contract's schema throws (the service wrote it; see es/handlers.ts).
   *
   * @example
   * api.project({ name: 'notes', reset: (tx) => tx.execute('DELETE FROM notes'), handlers: [
   *   on(NoteAdded, (e, tx) => tx.execute('INSERT INTO notes VALUES (?, ?)', [e.data.id, e.data.text])),
   * ] });
   */
  project(p: ProjectionSpec): void;
  /**
   * Consumes another service's events with a checkpoint (see Consumer): read models and
   * reactors alike. Its event types are those of `handlers`; others are stepped over. An
   * event that fails its contract's schema is logged and stepped over. `tx.append` appends
   * this service's own events in the checkpoint's transaction, caused by the consumed event.
   *
   * @example
   * api.consume('users', { handlers: [
   *   on(users.GroupDeleted, async (e, tx) => {
   *     await tx.execute('DELETE FROM rooms WHERE group_id = ?', [e.data.groupId]);
   *     await tx.append(RoomClosed, { groupId: e.data.groupId });
   *   }),
   * ] });
   */
  consume(source: string, spec: ConsumeSpec): void;
  /**
   * One transaction outside any request (a timer, a retention job): the same `WriteTx` and
   * options as `ctx.write`; what it appends carries no trace.
   *
   * @example
   * await api.write((tx) => tx.execute('DELETE FROM drafts WHERE at < ?', [horizon]));
   */
  write<T>(fn: (tx: WriteTx) => Promise<T>, o?: WriteOptions): Promise<T>;
  /**
   * Calls another service (the gateway's routes do; under Hearth only the gateway's broker
   * credential may send `svc.` operations, so from a service this fails `kit.not_permitted`).
   */
  request<O extends Operation>(op: O, data: RequestOf<O>, call?: CallOptions): Promise<ReplyOf<O>>;
  /** Live events on `subject` (`evt.users.>`), decoded, with no checkpoint: for real-time fan-out. */
  subscribe(subject: string, fn: (event: Envelope) => void): void;
  /**
   * Publishes `data` (MessagePack) on `subject` once: no outbox, no log, lost when nobody
   * listens or the broker is away. For ephemeral signals (typing); events go through `write`.
   * Throws when the connection is closed.
   */
  publish(subject: string, data: unknown): void;
  /** Plain messages on `subject`, decoded from MessagePack but not checked: anything may arrive, the caller validates. */
  listen(subject: string, fn: (data: unknown, subject: string) => void): void;
  /**
   * Orchestrates sagas of `def`'s type (saga/, docs/sagas.md): the kit's driver runs them
   * from the service's start (resuming every unfinished one) to its stop. Start one with the
   * handle, inside the transaction of the command that asks for it.
   *
   * @example
   * const deletion = svc.saga(DeleteAccount);
   * svc.handle(DeleteMe, (req, ctx) => ctx.write((tx) => deletion.start(tx, { userId: req.actor }, { key: `user:${req.actor}` })));
   */
  saga<I>(def: SagaDefinition<I>): SagaHandle<I>;
  /**
   * Answers a saga step command (`sagaCommand(…)`, on `saga.<service>.<name>`) as a
   * participant: `fn` runs in one transaction and at most once per (saga id, step); a repeat
   * gets the first answer (saga/participant.ts).
   *
   * @example
   * svc.sagaStep(EraseUser, async ({ userId }, tx) => ({ erased: (await tx.execute('DELETE FROM messages WHERE author = ?', [userId])).rowsAffected }));
   */
  sagaStep<O extends Operation>(op: O, fn: (data: StepDataOf<O>, tx: WriteTx, step: StepContext) => Promise<ReplyOf<O>>): void;
  /** Adds `key: value` to this service's health answer (e.g. the URL it serves). */
  report(key: string, value: string): void;
  /** Runs once the service is ready (handlers listening, consumers caught up). */
  onStart(fn: () => Promise<void> | void): void;
  /** Runs first when the service stops, before in-flight requests are awaited (stop accepting work here). */
  onStop(fn: () => Promise<void> | void): void;
}

/** A service. */
export interface ServiceDefinition {
  name: string;
  migrations: readonly Migration[];
  setup(api: ServiceApi): void | Promise<void>;
}

/**
 * Declares a service (identity function, for types).
 *
 * @example
 * export default defineService({
 *   name: 'notes',
 *   migrations: [{ version: 1, name: 'init', sql: 'CREATE TABLE notes (id TEXT PRIMARY KEY, text TEXT)' }],
 *   setup(svc) {
 *     svc.handle(AddNote, (req, ctx) => ctx.write(async (tx) => {
 *       await tx.execute('INSERT INTO notes VALUES (?, ?)', [req.id, req.text]);
 *       await tx.append(NoteAdded, req);
 *       return { id: req.id };
 *     }));
 *   },
 * });
 */
export function defineService(def: ServiceDefinition): ServiceDefinition {
  return def;
}

export type { Handler };
