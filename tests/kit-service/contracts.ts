/**
 * Contracts of the test services that exercise the kit end to end: `ledger` takes entries
 * (a command that changes state and appends an event in one transaction), and `tally`
 * consumes ledger's events and counts each effect.
 */
import * as v from 'valibot';
import { command, event, query } from '../../src/kit/index.ts';

/** Adds an amount under a key; answers with the entry's event seq. */
export const AddEntry = command('ledger', 'add', {
  version: 1,
  request: v.strictObject({ key: v.pipe(v.string(), v.minLength(1), v.maxLength(200)), amount: v.pipe(v.number(), v.integer()) }),
  reply: v.object({ seq: v.number(), total: v.number() }),
});

/** Adds many entries in one transaction (for loading a log quickly). */
export const AddMany = command('ledger', 'add_many', {
  version: 1,
  request: v.strictObject({ key: v.string(), count: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000)) }),
  reply: v.object({ head: v.number() }),
});

/** Fails on purpose, with an untyped error (to see it mapped to kit.internal). */
export const Explode = command('ledger', 'explode', { version: 1, request: v.object({}), reply: v.object({}) });

/** Reads a key's total. */
export const GetTotal = query('ledger', 'get', {
  version: 1,
  request: v.strictObject({ key: v.string() }),
  reply: v.object({ key: v.string(), total: v.number(), entries: v.number() }),
});

/** Ledger's one event. */
export const EntryAdded = event('ledger', 'entry_added', {
  version: 1,
  data: v.object({ key: v.string(), amount: v.number() }),
});

/** Tally's view: how many times it applied each ledger event (must be exactly once). */
export const GetTally = query('tally', 'get', {
  version: 1,
  request: v.strictObject({}),
  reply: v.object({ applied: v.number(), distinct: v.number(), duplicates: v.number(), checkpoint: v.number() }),
});
