/**
 * Arrival and departure watches ("tell me when Sam arrives at School") — pure, no I/O. A
 * user with no watches in a group is told every arrival and departure there (the
 * `place_entered` / `place_left` rule as it always was); with at least one watch in a group,
 * only those its watches match. Other groups, and every other type, are untouched.
 */
import type { notifications } from '../../../src/contracts/index.ts';
import type { Draft } from './drafts.ts';

/**
 * True when `p`'s watches let draft `d` through.
 *
 * @example
 * watched({ ...prefs, watches: [{ groupId, userId: sam, placeId: school, on: 'arrive' }] }, draft); // true for Sam arriving at School only
 */
export function watched(p: Pick<notifications.Preferences, 'watches'>, d: Pick<Draft, 'type' | 'groupId' | 'refs'>): boolean {
  if (d.type !== 'place_entered' && d.type !== 'place_left') return true;
  const mine = p.watches.filter((w) => w.groupId === d.groupId);
  if (mine.length === 0) return true;
  const on = d.type === 'place_entered' ? 'arrive' : 'leave';
  return mine.some((w) => (w.on === 'both' || w.on === on) && (w.userId === null || w.userId === d.refs.userId) && (w.placeId === null || w.placeId === d.refs.placeId));
}
