/** The per-request context a service handler gets, and the one way a write is built. */
import type { HandlerContext } from '../bus/index.ts';
import type { Db, GroupCommit } from '../db/index.ts';
import type { EventLog } from '../es/event-log.ts';
import { writeTx, type Trace } from '../es/write-tx.ts';
import type { RequestContext, WriteOptions, WriteTx } from './define.ts';
import { applyOnce, type PruneState } from './idempotency.ts';

/** What a write needs: the database, its group-commit queue and the event log. */
export interface WriteMeans {
  db: Db;
  commits: GroupCommit;
  events: EventLog;
  /** When idempotency records were last pruned (service/idempotency.ts); one per service. */
  pruned?: PruneState;
}

/**
 * Runs `fn` in one transaction (alone, or shared with others with `{ group: true }`), its
 * appends stamped with `trace`: `ctx.write` and `api.write` are both this.
 *
 * @example
 * write(means, trace, (tx) => tx.append(NoteAdded, note));
 */
export function write<T>(s: WriteMeans, trace: Trace, fn: (tx: WriteTx) => Promise<T>, o?: WriteOptions): Promise<T> {
  return o?.group ? s.commits.submit((tx) => fn(writeTx(tx, s.events, trace))) : s.db.write((tx) => fn(writeTx(tx, s.events, trace)));
}

/**
 * Builds a handler's context: the events it appends carry its trace ids, and under the
 * caller's idempotency claim each of its writes is applied once (service/idempotency.ts).
 */
export function requestContext(ctx: HandlerContext, s: WriteMeans): RequestContext {
  const trace = { correlationId: ctx.correlationId, causationId: ctx.requestId };
  const claim = ctx.idempotency;
  if (!claim) return { ...ctx, write: (fn, o) => write(s, trace, fn, o) };
  const pruned = (s.pruned ??= { lastAt: 0 });
  let writes = 0;
  return {
    ...ctx,
    write: (fn, o) => {
      const n = writes++;
      return write(s, trace, (tx) => applyOnce(tx, claim, n, s.events.now(), pruned, fn), o);
    },
  };
}
