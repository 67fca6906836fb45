/**
 * A member's scope in one group, as the fold of its events: whether they share, their
 * newest fix, journey, SOS and the places they are in. Their state (`active`, `inactive`,
 * `sos`, `routing`, `warning`) is not stored but read off the scope by `statusOf`, so it can
 * never disagree with the facts; docs/location.md tabulates the transitions this gives.
 */
import type { location } from '../../../src/contracts/index.ts';

/** Where a stuck watch started: the first fix of the current still spell while routing. */
export interface Anchor {
  lat: number;
  lon: number;
  /** Fix time, ms since the epoch. */
  at: number;
}

/** One scope (member × group). */
export interface Scope {
  groupId: string;
  userId: string;
  /** Sharing is on unless the member paused it. */
  sharing: boolean;
  lastFix: location.Sample | null;
  /** The gap in ms between the fix times of the last two fixes (how often this phone reports). */
  interval: number;
  /** No fix came in time since the last one. */
  offline: boolean;
  journey: location.Journey | null;
  sos: { at: string; lat: number | null; lon: number | null } | null;
  /** The group's places the member is in (name kept for the event that leaves it). */
  places: { id: string; name: string }[];
  anchor: Anchor | null;
}

/** The scope before any event: sharing, never seen. */
export function emptyScope(groupId: string, userId: string): Scope {
  return { groupId, userId, sharing: true, lastFix: null, interval: 0, offline: false, journey: null, sos: null, places: [], anchor: null };
}

/**
 * The member's state in the group.
 *
 * @example
 * statusOf(emptyScope(g, u)); // 'inactive'
 */
export function statusOf(s: Scope): location.Status {
  if (s.sos) return 'sos';
  if (s.journey) return s.journey.late || s.journey.stuck || s.offline ? 'warning' : 'routing';
  if (!s.sharing || s.offline || !s.lastFix) return 'inactive';
  return 'active';
}

/** The stream of a scope's events. */
export const scopeStream = (groupId: string, userId: string): string => `scope:${groupId}:${userId}`;
/** The stream of a group's place changes. */
export const placesStream = (groupId: string): string => `places:${groupId}`;
