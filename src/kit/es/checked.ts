/**
 * Envelopes whose data a schema already checked in this process: `EventLog.append` checks
 * every event it writes against its contract, so the inline projections that run in the same
 * transaction need not check it again (a rebuild, reading the log, still checks each event).
 */
import type { Schema } from '../contract.ts';
import type { Envelope } from '../envelope.ts';

const checkedBy = new WeakMap<Envelope, Schema>();

/** Notes that `schema` produced `event.data`. */
export function markChecked(event: Envelope, schema: Schema): void {
  checkedBy.set(event, schema);
}

/** Whether `schema` itself produced `event.data` (then checking it again would change nothing). */
export function wasChecked(event: Envelope, schema: Schema): boolean {
  return checkedBy.get(event) === schema;
}
