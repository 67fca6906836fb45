/**
 * The location service's public face: its definition (default export, what `hearth service
 * location` runs), `locationService` (the builder), and what tests use beside the broker:
 * its migrations and membership consumer (fed events directly), its settings, the domain's
 * fold and the group's view of a scope (the time-travel oracle), and retention.
 *
 * @example
 * const { default: location } = await import('./location/index.ts');
 */
export { default, locationService } from './main.ts';
export { migrations } from './migrations.ts';
export { membershipConsumer } from './consumers/membership.ts';
export { readSettings, type LocationSettings } from './settings.ts';
export { emptyScope, evolve, distanceM, memberView, type Scope, type RecordedEvent } from './domain/index.ts';
export { recordedOf } from './store/scope-events.ts';
export { eraseExpired } from './store/retention.ts';
