/** The per-request context a service handler gets: trace ids, a logger, writes and calls. */
import type { CallOptions, HandlerContext, Requester } from '../bus/index.ts';
import type { Operation, ReplyOf, RequestOf } from '../contract.ts';
import type { Db, GroupCommit } from '../db/index.ts';
import type { EventLog } from '../es/event-log.ts';
import { writeTx } from '../es/write-tx.ts';
import type { RequestContext } from './define.ts';

/** Builds a handler's context: events it appends and calls it makes carry its trace ids. */
export function requestContext(ctx: HandlerContext, s: { db: Db; commits: GroupCommit; events: EventLog; requester: Requester }): RequestContext {
  const trace = { correlationId: ctx.correlationId, causationId: ctx.requestId };
  return {
    ...ctx,
    write: (fn, o) => (o?.group ? s.commits.submit((tx) => fn(writeTx(tx, s.events, trace))) : s.db.write((tx) => fn(writeTx(tx, s.events, trace)))),
    request: <O extends Operation>(op: O, data: RequestOf<O>, call?: CallOptions): Promise<ReplyOf<O>> =>
      s.requester.request(op, data, { ...trace, ...call }),
  };
}
