/**
 * A member's state as a family reads it — sharing, paused, SOS, on a journey (late, not
 * moving, offline), offline, no position yet — with the words and the marker's shape for
 * it, so a state is never told by colour alone.
 */
import type { MemberView } from '../../api/types.ts';
import { distanceM, formatDistance, type LatLon } from '../../lib/geo.ts';
import { t } from '../../strings.ts';

/** One of the states the map shows. */
export type Shown = 'sos' | 'paused' | 'late' | 'stuck' | 'journeyOffline' | 'journey' | 'offline' | 'unseen' | 'sharing';

/** Silence this long means offline even if no `state.went_offline` reached this page. */
const STALE_MS = 20 * 60_000;

/**
 * Which state to show for a member.
 *
 * @example
 * shownState({ ...view, sharing: false }); // 'paused'
 */
export function shownState(m: MemberView, now = Date.now()): Shown {
  if (m.sos) return 'sos';
  if (!m.sharing) return 'paused';
  if (m.journey) {
    if (m.journey.late) return 'late';
    if (m.journey.stuck) return 'stuck';
    return m.state === 'warning' ? 'journeyOffline' : 'journey';
  }
  if (!m.lastFix) return 'unseen';
  if (m.state === 'inactive' || (m.lastSeen && now - Date.parse(m.lastSeen) > STALE_MS)) return 'offline';
  return 'sharing';
}

/** The state in words ("On a journey — late"). */
export function stateWords(m: MemberView): string {
  return t.map.state[shownState(m)];
}

/** A short sign drawn on the marker beside the colour (the shape half of "not colour alone"). */
export const SIGN: Record<Shown, string> = {
  sos: 'SOS',
  paused: 'II',
  late: '!',
  stuck: '!',
  journeyOffline: '?',
  journey: '→',
  offline: 'z',
  unseen: '',
  sharing: '',
};

/** "battery 80%" (and "charging"; `bare`: "80%", under a "Battery" label), or null when unknown. */
export function batteryWords(m: MemberView, o: { bare?: boolean } = {}): string | null {
  const b = m.lastFix?.battery;
  if (b === null || b === undefined) return null;
  const charging = m.lastFix?.batteryState === 'charging' || m.lastFix?.batteryState === 'full';
  return (o.bare ? t.map.batteryLevel : t.map.battery)(Math.round(b), charging);
}

/** "1.2 km away" from `here`, or null when either position is unknown. */
export function distanceWords(m: MemberView, here: LatLon | null): string | null {
  if (!here || !m.lastFix) return null;
  return t.map.away(formatDistance(distanceM(here, m.lastFix)));
}
