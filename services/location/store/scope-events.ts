/**
 * Scope events between the log and the domain: for each contract of `location.scopeEvents`,
 * how its envelope becomes the `RecordedEvent` that `evolve` folds. Each line is checked by
 * the compiler (the domain event must have the contract's own type name and data), so no
 * event data is cast anywhere: the projection's typed handlers and time travel's reads of
 * the raw log both go through here.
 */
import { check, on, type Envelope, type EventHandler, type EventType, type WriteTx } from '../../../src/kit/index.ts';
import { location } from '../../../src/contracts/index.ts';
import type { RecordedEvent, ScopeEvent, ScopeEventType } from '../domain/index.ts';

/** What every scope event's data carries besides its own fields. */
export type ScopeData = { groupId: string; userId: string; state: location.Status };

/** One scope event type: its contract, and its envelopes as the domain folds them. */
interface ScopeEventKind {
  readonly type: EventType<ScopeData>;
  /** A raw envelope from the log, checked against the contract. */
  recorded(e: Envelope): RecordedEvent;
  /** A typed handler of this type's events, given the domain's event. */
  handler(fn: (event: RecordedEvent, env: Envelope<ScopeData>, tx: WriteTx) => Promise<unknown>): EventHandler;
}

function kind<D extends ScopeData, T extends ScopeEventType>(type: EventType<D, T>, toDomain: (data: D) => Extract<ScopeEvent, { type: T }>): ScopeEventKind {
  return {
    type,
    recorded: (e) => ({ ...toDomain(check(type.data, e.data, 'location.invalid_event', `${e.type} event (seq ${e.seq})`)), at: e.at }),
    handler: (fn) => on(type, (e, tx) => fn({ ...toDomain(e.data), at: e.at }, e, tx)),
  };
}

const KINDS: readonly ScopeEventKind[] = [
  kind(location.LocationSampled, (data) => ({ type: 'location.sampled', data })),
  kind(location.SharingStarted, (data) => ({ type: 'state.sharing_started', data })),
  kind(location.SharingPaused, (data) => ({ type: 'state.sharing_paused', data })),
  kind(location.WentOffline, (data) => ({ type: 'state.went_offline', data })),
  kind(location.HistoryErased, (data) => ({ type: 'state.history_erased', data })),
  kind(location.RoutingStarted, (data) => ({ type: 'journey.routing_started', data })),
  kind(location.RoutingStopped, (data) => ({ type: 'journey.routing_stopped', data })),
  kind(location.DestinationReached, (data) => ({ type: 'journey.destination_reached', data })),
  kind(location.StuckAlertRaised, (data) => ({ type: 'journey.stuck_alert_raised', data })),
  kind(location.StuckAlertCleared, (data) => ({ type: 'journey.stuck_alert_cleared', data })),
  kind(location.LateAlertRaised, (data) => ({ type: 'journey.late_alert_raised', data })),
  kind(location.SosRaised, (data) => ({ type: 'sos.raised', data })),
  kind(location.SosCleared, (data) => ({ type: 'sos.cleared', data })),
  kind(location.PlaceEntered, (data) => ({ type: 'place.entered', data })),
  kind(location.PlaceLeft, (data) => ({ type: 'place.left', data })),
];
const BY_TYPE = new Map(KINDS.map((k) => [k.type.type, k]));
if (BY_TYPE.size !== Object.keys(location.scopeEvents).length) throw new Error('store/scope-events.ts must list every contract of location.scopeEvents');

/** The contract of a scope event type (to append it). */
export function contractOf(type: ScopeEventType): EventType<ScopeData> {
  const k = BY_TYPE.get(type);
  if (!k) throw new Error(`${type} is not a scope event`);
  return k.type;
}

/**
 * A scope event read from the log as the domain folds it (its data checked by its contract).
 *
 * @example
 * const scope = (await events.readStream(scopeStream(g, u))).map(recordedOf).reduce((s, e) => evolve(s, e, rules), emptyScope(g, u));
 */
export function recordedOf(e: Envelope): RecordedEvent {
  const k = BY_TYPE.get(e.type);
  if (!k) throw new Error(`${e.type} is not a scope event`);
  return k.recorded(e);
}

/** A typed handler per scope event type, each given the domain's event (for the scope projection). */
export function scopeHandlers(fn: (event: RecordedEvent, env: Envelope<ScopeData>, tx: WriteTx) => Promise<unknown>): EventHandler[] {
  return KINDS.map((k) => k.handler(fn));
}
