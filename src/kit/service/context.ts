/** The per-request context a service handler gets, and the one way a write is built. */
import type { HandlerContext } from '../bus/index.ts';
import type { Db, GroupCommit } from '../db/index.ts';
import type { EventLog } from '../es/event-log.ts';
import { writeTx, type Trace } from '../es/write-tx.ts';
import type { RequestContext, WriteOptions, WriteTx } from './define.ts';

/** What a write needs: the database, its group-commit queue and the event log. */
export interface WriteMeans {
  db: Db;
  commits: GroupCommit;
  events: EventLog;
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

/** Builds a handler's context: the events it appends carry its trace ids. */
export function requestContext(ctx: HandlerContext, s: WriteMeans): RequestContext {
  const trace = { correlationId: ctx.correlationId, causationId: ctx.requestId };
  return { ...ctx, write: (fn, o) => write(s, trace, fn, o) };
}
