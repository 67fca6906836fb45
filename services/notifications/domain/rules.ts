/**
 * The rules: which event tells whom what — pure functions, no I/O. Each rule names its
 * recipients (the group's members, never the member who caused it), its type and priority;
 * the texts come from texts.ts. The consumer hands in the group as it was when the event
 * happened (for a member who left: still listed) and stores what comes out.
 */
import type { notifications } from '../../../src/contracts/index.ts';
import { EXCERPT_MAX, TEXTS, YOU_WERE_REMOVED, type TextVars } from '../texts.ts';

type Type = notifications.NotificationType;

/** A group as the rules see it. */
export interface GroupView {
  groupId: string;
  name: string;
  /** Members by user id, with display names. */
  members: ReadonlyMap<string, string>;
}

/** An event as the rules see it (the envelope's type and data). */
export interface RuleEvent {
  type: string;
  data: Record<string, unknown>;
}

/** One notification to store, for one recipient. */
export interface Draft {
  userId: string;
  type: Type;
  priority: notifications.Priority;
  groupId: string;
  actorId: string | null;
  title: string;
  body: string;
  refs: { messageId?: string; placeId?: string; userId?: string };
}

type Made = Omit<Draft, 'userId'>;

const PRIORITY: Record<Type, notifications.Priority> = {
  sos_raised: 'urgent',
  sos_cleared: 'high',
  journey_started: 'default',
  destination_reached: 'default',
  journey_late: 'high',
  journey_stuck: 'high',
  went_offline: 'high',
  place_entered: 'default',
  place_left: 'default',
  member_joined: 'low',
  member_left: 'low',
  member_removed: 'default',
  invite_accepted: 'default',
  mention: 'high',
};

/** The event types each source's consumer must see (the others are stepped over). */
export const LOCATION_TYPES = [
  'sos.raised',
  'sos.cleared',
  'journey.routing_started',
  'journey.destination_reached',
  'journey.late_alert_raised',
  'journey.stuck_alert_raised',
  'state.went_offline',
  'place.entered',
  'place.left',
] as const;
export const CHAT_TYPES = ['message.sent'] as const;

const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
const fmt = (n: number): string => n.toFixed(5);

function make(type: Type, g: GroupView, actorId: string | null, vars: TextVars, refs: Draft['refs'] = {}, priority = PRIORITY[type]): Made {
  return { type, priority, groupId: g.groupId, actorId, ...TEXTS[type](vars), refs };
}

/** Everyone in the group but `except`. */
function others(g: GroupView, made: Made, ...except: (string | null | undefined)[]): Draft[] {
  const out: Draft[] = [];
  for (const userId of g.members.keys()) if (!except.includes(userId)) out.push({ ...made, userId });
  return out;
}

/** The notifications of one location event of a member's scope. */
export function locationRule(e: RuleEvent, g: GroupView): Draft[] {
  const actor = str(e.data.userId);
  if (!actor || !g.members.has(actor)) return [];
  const vars: TextVars = { name: g.members.get(actor)!, group: g.name };
  const refs = { userId: actor };
  const to = (type: Type, more: Partial<TextVars> = {}, priority?: notifications.Priority, extra: Draft['refs'] = {}) =>
    others(g, make(type, g, actor, { ...vars, ...more }, { ...refs, ...extra }, priority), actor);
  const destination = (e.data.destination as { name?: unknown } | undefined)?.name;
  switch (e.type) {
    case 'sos.raised': {
      const { lat, lon } = e.data as { lat?: unknown; lon?: unknown };
      return to('sos_raised', typeof lat === 'number' && typeof lon === 'number' ? { position: `${fmt(lat)}, ${fmt(lon)}` } : {});
    }
    case 'sos.cleared':
      return to('sos_cleared');
    case 'journey.routing_started':
      return to('journey_started', { place: str(destination) ?? 'their destination' });
    case 'journey.destination_reached':
      return to('destination_reached', { place: str(destination) ?? 'their destination' });
    case 'journey.late_alert_raised':
      return to('journey_late');
    case 'journey.stuck_alert_raised':
      return to('journey_stuck');
    case 'state.went_offline':
      // Only while it matters: in an SOS (state stays `sos`) or on a journey (it turns `warning`).
      if (e.data.state === 'sos') return to('went_offline', { during: 'an SOS' }, 'urgent');
      if (e.data.state === 'warning') return to('went_offline', { during: 'a journey' });
      return [];
    case 'place.entered':
    case 'place.left':
      return to(e.type === 'place.entered' ? 'place_entered' : 'place_left', { place: str(e.data.name) ?? 'a place' }, undefined, { placeId: str(e.data.placeId) });
    default:
      return [];
  }
}

/**
 * The notifications of a membership event. `g` is the group before the event (a joiner
 * is not in it yet; a leaver still is).
 */
export function membershipRule(e: RuleEvent, g: GroupView, actorOfRemoval?: string): Draft[] {
  const userId = str(e.data.userId);
  if (!userId) return [];
  switch (e.type) {
    case 'group.member_joined': {
      const vars = { name: str(e.data.displayName) ?? 'A member', group: g.name };
      const inviter = str(e.data.invitedBy);
      const refs = { userId };
      const out = others(g, make('member_joined', g, userId, vars, refs), userId, inviter);
      if (inviter && g.members.has(inviter) && inviter !== userId) out.push({ ...make('invite_accepted', g, userId, vars, refs), userId: inviter });
      return out;
    }
    case 'group.member_left':
      return others(g, make('member_left', g, userId, { name: g.members.get(userId) ?? 'A member', group: g.name }, { userId }), userId);
    case 'group.member_removed': {
      const by = actorOfRemoval ?? str(e.data.by) ?? null;
      const vars = { name: g.members.get(userId) ?? 'A member', group: g.name };
      const out = others(g, make('member_removed', g, by, vars, { userId }), userId, by);
      out.push({ ...make('member_removed', g, by, vars, { userId }), ...YOU_WERE_REMOVED(vars), userId });
      return out;
    }
    default:
      return [];
  }
}

/**
 * The members a chat message mentions as `@display name` (any case). At each `@` the
 * longest name that matches wins and must end there: "@Sam Lee" mentions Sam Lee, not
 * also Sam; "@Samantha" does not mention Sam.
 */
export function mentioned(text: string, g: GroupView, authorId: string): string[] {
  const hay = text.toLocaleLowerCase();
  const names = [...g.members].filter(([, name]) => name).map(([userId, name]) => ({ userId, name: name.toLocaleLowerCase() }));
  names.sort((a, b) => b.name.length - a.name.length);
  const out = new Set<string>();
  for (let at = hay.indexOf('@'); at !== -1; at = hay.indexOf('@', at + 1)) {
    const hit = names.find(({ name }) => hay.startsWith(name, at + 1) && !WORD.test(hay.slice(at + 1 + name.length, at + 3 + name.length).slice(0, 2)));
    if (hit && hit.userId !== authorId) out.add(hit.userId);
  }
  return [...out];
}

// A name ends where a letter, digit or underscore does not follow (the first code point).
const WORD = /^[\p{L}\p{N}_]/u;

/** The notifications of a chat event: a message that mentions members. */
export function chatRule(e: RuleEvent, g: GroupView): Draft[] {
  if (e.type !== 'message.sent') return [];
  const m = e.data.message as { id?: unknown; kind?: unknown; authorId?: unknown; authorName?: unknown; text?: unknown } | undefined;
  const authorId = str(m?.authorId);
  const text = str(m?.text);
  if (!m || m.kind !== 'user' || !authorId || !text) return [];
  const chars = [...text];
  const excerpt = chars.length > EXCERPT_MAX ? chars.slice(0, EXCERPT_MAX - 1).join('') + '…' : text;
  const made = make('mention', g, authorId, { name: str(m.authorName) ?? g.members.get(authorId) ?? 'A member', group: g.name, excerpt }, { messageId: str(m.id) });
  return mentioned(text, g, authorId).map((userId) => ({ ...made, userId }));
}
