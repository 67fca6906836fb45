/**
 * What a user's preferences do to one notification — pure, no I/O. A type turned off or a
 * muted group (until its mute expires) drops it; during quiet hours it goes to the inbox
 * and the stream but is not forwarded to phones. SOS (`ALWAYS`) comes through all of these.
 */
import { notifications } from '../../../src/contracts/index.ts';

/** Preferences as stored. */
export type Prefs = notifications.Preferences;

/** Nothing muted, every type on, no quiet hours, no watches (every arrival and departure). */
export const DEFAULT_PREFS: Prefs = { mutes: [], types: {}, quietHours: null, watches: [] };

/** The verdict on one notification: not at all, inbox only, or inbox and forwarded. */
export type Verdict = 'drop' | 'quiet' | 'loud';

/** The mutes still in force at `nowMs` (an expired mute is as if it were not there). */
export function activeMutes(p: Prefs, nowMs: number): Prefs['mutes'] {
  return p.mutes.filter((m) => m.until === null || Date.parse(m.until) > nowMs);
}

/** Minutes since local midnight in `timeZone` at `nowMs`. */
export function localMinutes(nowMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(nowMs);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** True when `nowMs` falls in the quiet hours (start inclusive, end exclusive; may span midnight; start = end is never). */
export function inQuietHours(q: Prefs['quietHours'], nowMs: number): boolean {
  if (!q) return false;
  const t = localMinutes(nowMs, q.timeZone);
  const start = minutes(q.start);
  const end = minutes(q.end);
  if (start === end) return false;
  return start < end ? t >= start && t < end : t >= start || t < end;
}

/**
 * Judges one notification of `type` about `groupId` for a user with preferences `p`.
 *
 * @example
 * judge(DEFAULT_PREFS, 'mention', g, Date.now()); // 'loud'
 */
export function judge(p: Prefs, type: notifications.NotificationType, groupId: string | null, nowMs: number): Verdict {
  if (notifications.ALWAYS.includes(type)) return 'loud';
  if (p.types[type] === false) return 'drop';
  if (groupId && activeMutes(p, nowMs).some((m) => m.groupId === groupId)) return 'drop';
  return inQuietHours(p.quietHours, nowMs) ? 'quiet' : 'loud';
}
