/**
 * The one transaction a handler touches: it reads (`query`), writes (`execute`) and appends
 * the service's own events (`append`), all committing together. Request handlers get it
 * from `ctx.write`, projections and consumers with each event; the kit sets the trace of
 * what is appended (the request's ids, or the consumed event's correlation id with the
 * event itself as the cause).
 */
import type { EventType } from '../contract.ts';
import type { Tx } from '../db/index.ts';
import type { Envelope } from '../envelope.ts';
import type { AppendMeta, EventLog } from './event-log.ts';

/**
 * A write transaction that can also append events.
 *
 * @example
 * await ctx.write(async (tx) => {
 *   const [row] = await tx.query('SELECT text FROM notes WHERE id = ?', [id]);
 *   await tx.execute('UPDATE notes SET text = ? WHERE id = ?', [text, id]);
 *   await tx.append(NoteEdited, { id, text }, { stream: `note:${id}` });
 * });
 */
export interface WriteTx extends Tx {
  /**
   * When this transaction's events are recorded (ISO, as `Envelope.at`): the kit's clock
   * read once as the transaction began. Every event `append` writes carries it, so a handler
   * that folds what it appends can fold with the time the log will hold.
   */
  readonly at: string;
  append<D>(type: EventType<D>, data: D, meta?: Pick<AppendMeta, 'stream'>): Promise<Envelope<D>>;
  /**
   * Scratch for the handlers of one consumer transaction: a consumer applies a batch of
   * events in one transaction, and each handler sees the same map, so what one event read
   * (a group's settings) the next need not read again. It goes with the transaction (a
   * rollback takes it along); only what nothing else in that transaction changes may be kept
   * in it. Everywhere else (requests, projections) it is new for each call.
   */
  readonly memo: Map<string, unknown>;
}

/** The trace appended events carry. */
export type Trace = Pick<AppendMeta, 'correlationId' | 'causationId'>;

/**
 * `tx` with `append` on `events`, stamping `trace` and the transaction's time on each event
 * (an empty trace for work outside any request, such as a timer), and `memo` (new unless given).
 *
 * @example
 * db.write((tx) => fn(writeTx(tx, events, { correlationId, causationId })));
 */
export function writeTx(tx: Tx, events: EventLog, trace: Trace = {}, memo: Map<string, unknown> = new Map()): WriteTx {
  const at = new Date(events.now()).toISOString();
  return { ...tx, at, memo, append: (type, data, meta) => events.append(tx, type, data, { ...trace, stream: meta?.stream, at }) };
}

/**
 * The trace of what a handler appends in answer to `event`: same conversation, caused by it.
 *
 * @example
 * writeTx(tx, events, traceOf(event));
 */
export function traceOf(event: Envelope): Trace {
  return { correlationId: event.correlationId, causationId: event.id };
}
