/**
 * The scope's events as the domain sees them, derived from their contracts
 * (src/contracts/location.ts, `scopeEvents`: one declaration per event): type and data,
 * without the `groupId`, `userId` and `state` every stored event also carries (the service
 * adds those). `at` is when the event was recorded.
 */
import type { EventType, location } from './deps.ts';

/** The fields the service adds to every scope event. */
type Scoped = 'groupId' | 'userId' | 'state';
/** One contract's event as the domain decides it. */
type Decided<E> = E extends EventType<infer D, infer T> ? { type: T; data: Omit<D, Scoped> } : never;

/** A decided event, not yet recorded. */
export type ScopeEvent = Decided<(typeof location.scopeEvents)[keyof typeof location.scopeEvents]>;

/** A recorded event: what `evolve` folds. */
export type RecordedEvent = ScopeEvent & { at: string };

/** The type names of scope events. */
export type ScopeEventType = ScopeEvent['type'];
