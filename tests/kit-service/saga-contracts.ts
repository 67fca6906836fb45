/**
 * Contracts of the saga test services: two participants built from one module (`north` and
 * `south`, see depot.ts) and the orchestrator `conductor` (conductor.ts), whose `move` saga
 * holds an amount at both, waits until south says the hold settled, collects north's items
 * page by page and finishes locally.
 */
import * as v from 'valibot';
import { command, query, sagaCommand, sagaQuery } from '../../src/kit/index.ts';

/** The names the depot module runs under. */
export type DepotName = 'north' | 'south';

const Key = v.pipe(v.string(), v.minLength(1), v.maxLength(100));

/** A depot's saga operations and its test query. */
export function depotOps(name: DepotName) {
  return {
    /** Holds `amount` under `key` (after `slowMs`, to be caught in flight; refused when `refuse` names this depot); applied once per saga. */
    Hold: sagaCommand(name, 'hold', {
      version: 1,
      request: v.object({
        key: Key,
        amount: v.pipe(v.number(), v.integer()),
        slowMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000))),
        refuse: v.optional(v.picklist(['north', 'south'])),
      }),
      reply: v.object({ holdId: v.number() }),
    }),
    /** Undoes this saga's hold (harmless when there is none). */
    Release: sagaCommand(name, 'release', { version: 1, request: v.object({ key: Key }), reply: v.object({ released: v.number() }) }),
    /** Whether this saga's hold has settled (300 ms after it was made). */
    Settled: sagaQuery(name, 'settled', { version: 1, request: v.object({ key: Key }), reply: v.object({ settled: v.boolean() }) }),
    /** The items 1 … amount of this saga's hold, two per page. */
    Items: sagaQuery(name, 'items', {
      version: 1,
      request: v.object({ key: Key, after: v.optional(v.string()) }),
      reply: v.object({ items: v.array(v.number()), next: v.optional(v.string()) }),
    }),
    /** What the depot holds, for the tests: every application is a row (duplicates would show). */
    State: query(name, 'state', {
      version: 1,
      request: v.strictObject({}),
      reply: v.object({
        holds: v.array(v.object({ sagaId: v.string(), key: v.string(), amount: v.number(), released: v.boolean() })),
        releases: v.array(v.object({ sagaId: v.string(), released: v.number(), atMs: v.number() })),
      }),
    }),
  };
}

/** Starts a `move` saga. */
export const StartMove = command('conductor', 'start', {
  version: 1,
  request: v.strictObject({
    key: Key,
    amount: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100)),
    slowMs: v.optional(v.number()),
    /** Who refuses its step: a depot its hold, the conductor its local `finish`. */
    refuse: v.optional(v.picklist(['north', 'south', 'conductor'])),
  }),
  reply: v.object({ sagaId: v.string(), state: v.string(), created: v.boolean() }),
});

/** Cancels a `move` saga. */
export const CancelMove = command('conductor', 'cancel', {
  version: 1,
  request: v.strictObject({ sagaId: v.string() }),
  reply: v.object({ sagaId: v.string(), state: v.string(), created: v.boolean() }),
});

/** What the conductor itself recorded: items collected and how each saga ended. */
export const GetConductor = query('conductor', 'state', {
  version: 1,
  request: v.strictObject({ sagaId: v.string() }),
  reply: v.object({ items: v.array(v.number()), finished: v.number(), outcome: v.nullable(v.string()) }),
});
