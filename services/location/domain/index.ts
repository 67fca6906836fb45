/**
 * The location domain, pure: a member's scope in a group (`Scope`, `statusOf`), its events,
 * `decide` and `evolve`, places with hysteresis, thresholds, and track helpers.
 *
 * @example
 * const events = decide({ type: 'raise_sos' }, scope, { now: Date.now(), rules: DEFAULT_RULES, places: [] });
 */
export { emptyScope, statusOf, scopeStream, placesStream, type Scope, type Anchor } from './state.ts';
export type { ScopeEvent, RecordedEvent, ScopeEventType } from './events.ts';
export { evolve } from './evolve.ts';
export { decide, nextDeadline, offlineDeadline, type Command, type DecideContext } from './decide.ts';
export { placeEvents, type Circle } from './places.ts';
export { DEFAULT_RULES, rulesOf, type Rules, type LocationSection } from './rules.ts';
export { distanceM } from './geo.ts';
export { downsample, trackDistanceM } from './track.ts';
export { toGpx, toGeoJson } from './export.ts';
export { memberView } from './view.ts';
