/**
 * The alert rules' drafts — pure, no I/O: low battery and stopped reporting tell the
 * group's other members (never the member whose phone it is, and nobody when that member is
 * no longer in the group); an unreadable phone tells its owner only. When they fire is
 * decided elsewhere: battery.ts (once per discharge), the silence timer (once per silence).
 */
import { make, others, type Draft, type GroupView } from './drafts.ts';
import { inWords, TEXTS } from './texts.ts';

/** "Ann's phone battery is low" for the others in `g`. */
export function lowBatteryDrafts(userId: string, level: number, g: GroupView): Draft[] {
  const name = g.members.get(userId);
  if (name === undefined) return [];
  return others(g, make('low_battery', g, userId, { name, group: g.name, level }, { userId }), userId);
}

/** "Bo stopped reporting" for the others in `g`, after `minutes` of silence. */
export function silenceDrafts(userId: string, minutes: number, g: GroupView): Draft[] {
  const name = g.members.get(userId);
  if (name === undefined) return [];
  return others(g, make('stopped_reporting', g, userId, { name, group: g.name, silence: inWords(minutes) }, { userId }), userId);
}

/** The once-only notice to the owner of a phone whose encrypted messages Hearth cannot read. */
export function phoneUnreadableDraft(d: { userId: string; device: string; reason: 'no_key' | 'wrong_key' }): Draft {
  const texts = TEXTS.phone_unreadable({ name: '', group: '', device: d.device, reason: d.reason });
  return { userId: d.userId, type: 'phone_unreadable', priority: 'high', groupId: null, actorId: null, ...texts, refs: {} };
}
