/**
 * The scope's events as the domain sees them: type and data, without the `groupId`,
 * `userId` and `state` every stored event also carries (the service adds those). `at` is
 * when the event was recorded.
 */
import type { location } from '../../../src/contracts/index.ts';

/** A decided event, not yet recorded. */
export type ScopeEvent =
  | { type: 'location.sampled'; data: { fix: location.Sample } }
  | { type: 'state.sharing_started'; data: Record<string, never> }
  | { type: 'state.sharing_paused'; data: Record<string, never> }
  | { type: 'state.went_offline'; data: { lastSeen: string | null } }
  | { type: 'state.history_erased'; data: Record<string, never> }
  | { type: 'journey.routing_started'; data: { mode: location.Mode; destination: location.Destination; expectedArrival: string } }
  | { type: 'journey.routing_stopped'; data: Record<string, never> }
  | { type: 'journey.destination_reached'; data: { destination: location.Destination } }
  | { type: 'journey.stuck_alert_raised'; data: { lat: number; lon: number; since: string } }
  | { type: 'journey.stuck_alert_cleared'; data: Record<string, never> }
  | { type: 'journey.late_alert_raised'; data: { expectedArrival: string } }
  | { type: 'sos.raised'; data: { lat: number | null; lon: number | null } }
  | { type: 'sos.cleared'; data: Record<string, never> }
  | { type: 'place.entered'; data: { placeId: string; name: string } }
  | { type: 'place.left'; data: { placeId: string; name: string } };

/** A recorded event: what `evolve` folds. */
export type RecordedEvent = ScopeEvent & { at: string };

/** The type names of scope events. */
export type ScopeEventType = ScopeEvent['type'];
