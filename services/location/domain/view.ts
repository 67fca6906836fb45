/** How a member appears to their group: everything while they share, only that they paused otherwise. */
import type { location } from './deps.ts';
import { statusOf, type Scope } from './state.ts';

/**
 * The group's view of one member's scope.
 *
 * @example
 * memberView({ userId, displayName: 'Sam' }, scope).state; // 'active'
 */
export function memberView(m: { userId: string; displayName: string }, s: Scope): location.MemberView {
  if (!s.sharing) return { userId: m.userId, displayName: m.displayName, sharing: false, state: null, lastFix: null, lastSeen: null, journey: null, sos: null, places: [] };
  return {
    userId: m.userId,
    displayName: m.displayName,
    sharing: true,
    state: statusOf(s),
    lastFix: s.lastFix,
    lastSeen: s.lastFix?.receivedAt ?? null,
    journey: s.journey,
    sos: s.sos,
    places: s.places.map((p) => p.id),
  };
}
