/**
 * Turns a service's typed projection and consumer specs (`on(…)` handlers) into what the
 * event log and the consumer run: a dispatch by type, a checked event, and the one
 * transaction (`WriteTx`) whose appends carry the consumed event's trace.
 */
import type { ConsumerSpec } from '../es/consumer.ts';
import type { EventLog, InlineProjection } from '../es/event-log.ts';
import { dispatcher } from '../es/handlers.ts';
import { traceOf, writeTx } from '../es/write-tx.ts';
import type { Logger } from '../log.ts';
import type { ConsumeSpec, ProjectionSpec } from './define.ts';

/**
 * An inline projection running `p`'s handlers; an event its schema refuses throws.
 *
 * @example
 * events.project(inlineProjection(spec, events));
 */
export function inlineProjection(p: ProjectionSpec, events: EventLog): InlineProjection {
  const { dispatch } = dispatcher(p.handlers, 'throw');
  return {
    name: p.name,
    reset: async (tx) => void (await p.reset?.(tx)),
    apply: (event, tx) => dispatch(event, writeTx(tx, events, traceOf(event))),
  };
}

/**
 * A consumer spec running `c`'s handlers, wanting their types only; an event its schema
 * refuses is logged and stepped over, so one bad event cannot hold the consumer up.
 *
 * @example
 * new Consumer('users', consumerSpec(spec, events, log), deps);
 */
export function consumerSpec(c: ConsumeSpec, events: EventLog, log: Logger): ConsumerSpec {
  const { types, dispatch } = dispatcher(c.handlers, (event, err) =>
    log.warn('event does not match its contract; stepped over', { source: event.source, type: event.type, seq: event.seq, err }),
  );
  return {
    types,
    ...(c.reset ? { reset: async (tx) => void (await c.reset!(tx)) } : {}),
    // The consumer gives one memo per transaction: a batch of events (live or a log page) shares it.
    apply: (event, tx, memo) => dispatch(event, writeTx(tx, events, traceOf(event), memo)),
  };
}
