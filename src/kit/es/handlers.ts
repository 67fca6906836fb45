/**
 * Typed consumption: `on(Contract.Event, (event, tx) => …)` pairs an event type of a
 * contract with what to do with it. The same handlers serve a projection of a service's own
 * events (`api.project`), a read model of another service's events and a reactor that
 * appends events in answer (`api.consume`); a consumer's event types come from its handlers,
 * so it steps over every other type without a transaction.
 *
 * Each event's data is checked against its contract's schema before the handler sees it
 * (once: an event appended in this process was checked by its contract already, es/checked.ts).
 * What an event that fails the check does depends on who reads it:
 * - a **consumer** (another service's events) logs a warning and steps over it: a producer
 *   older or newer than this build may write data this one does not understand, and one
 *   such event must not hold the consumer up for ever;
 * - a **projection** (the service's own events, checked when appended) throws
 *   `kit.invalid_event`: the append or rebuild fails, since the service wrote it itself.
 */
import { check, type EventType } from '../contract.ts';
import type { Envelope } from '../envelope.ts';
import { AppError } from '../errors.ts';
import { wasChecked } from './checked.ts';
import type { WriteTx } from './write-tx.ts';

/** One event type and what to do with it, inside the transaction that records it. */
export interface EventHandler {
  readonly type: EventType<unknown>;
  readonly fn: (event: Envelope<never>, tx: WriteTx) => Promise<unknown> | void;
}

/**
 * Handles `type`'s events: `event.data` is typed (and checked) by the contract's schema.
 *
 * @example
 * api.consume('users', { handlers: [
 *   on(users.MemberJoined, (e, tx) => tx.execute('INSERT INTO members VALUES (?, ?)', [e.data.groupId, e.data.userId])),
 * ] });
 */
export function on<D>(type: EventType<D>, fn: (event: Envelope<D>, tx: WriteTx) => Promise<unknown> | void): EventHandler {
  return { type: type as EventType<unknown>, fn: fn as EventHandler['fn'] };
}

/** What to do with an event whose data fails its contract's schema. */
export type OnInvalid = 'throw' | ((event: Envelope, err: AppError) => void);

/**
 * The handlers as one dispatch function plus the types they want.
 *
 * @example
 * const { types, dispatch } = dispatcher(handlers, 'throw');
 * await dispatch(event, tx);
 */
export function dispatcher(handlers: readonly EventHandler[], onInvalid: OnInvalid): {
  types: readonly string[];
  dispatch(event: Envelope, tx: WriteTx): Promise<void>;
} {
  const byType = new Map<string, EventHandler[]>();
  for (const h of handlers) byType.set(h.type.type, [...(byType.get(h.type.type) ?? []), h]);
  return {
    types: [...byType.keys()],
    async dispatch(event, tx) {
      const hs = byType.get(event.type);
      if (!hs) return;
      const schema = hs[0]!.type.data;
      let data: unknown;
      try {
        // An event this process just appended was checked by this very schema: not again.
        data = wasChecked(event, schema) ? event.data : check(schema, event.data, 'kit.invalid_event', `${event.source}'s ${event.type} event (seq ${event.seq})`);
      } catch (err) {
        if (onInvalid === 'throw' || !(err instanceof AppError)) throw err;
        return onInvalid(event, err);
      }
      const typed = { ...event, data } as Envelope<never>;
      for (const h of hs) await h.fn(typed, tx);
    },
  };
}
