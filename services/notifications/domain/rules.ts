/**
 * The rules: which event tells whom what — pure functions, no I/O. Each rule pairs one
 * event type of another service's contract with what its (checked) data makes, given the
 * group as this service knows it: recipients (the group's members, never the member who
 * caused it), type and priority; the texts come from texts.ts. The consumers mount exactly
 * these rules, so an event type with no rule here (a fix, a pause, an edit) tells no one.
 */
import { chat, location, type membership, type notifications } from '../../../src/contracts/index.ts';
import type { EventType } from '../../../src/kit/index.ts';
import { make, others, type Draft, type GroupView } from './drafts.ts';
import { EXCERPT_MAX, YOU_WERE_REMOVED, type TextVars } from './texts.ts';

export type { Draft, GroupView } from './drafts.ts';

/**
 * One event type and the notifications its data makes. `drafts` is a method so that a list
 * of rules over different types is a list of rules over their union (method parameters are
 * bivariant); `rule()` is the only way to make one, and it pairs a type with a function of
 * exactly that type's data.
 */
export interface Rule<D> {
  readonly type: EventType<D>;
  drafts(data: D, g: GroupView): Draft[];
}

/**
 * A rule over `type`'s events.
 *
 * @example
 * rule(location.SosCleared, (d, g) => others(g, make('sos_cleared', g, d.userId, vars), d.userId));
 */
export const rule = <D>(type: EventType<D>, drafts: (data: D, g: GroupView) => Draft[]): Rule<D> => ({ type, drafts });

// ── location ───────────────────────────────────────────────────────────────────────────

type Tell = (type: notifications.NotificationType, more?: Partial<TextVars>, priority?: notifications.Priority, refs?: Draft['refs']) => Draft[];

/**
 * A rule over an event of a member's scope: the group's others are told; nobody is when the
 * member is not (or no longer) in the group.
 */
function scoped<D extends { userId: string }>(type: EventType<D>, tell: (data: D, to: Tell) => Draft[]): Rule<D> {
  return rule(type, (d, g) => {
    const name = g.members.get(d.userId);
    if (name === undefined) return [];
    const to: Tell = (t, more = {}, priority, refs = {}) => others(g, make(t, g, d.userId, { name, group: g.name, ...more }, { userId: d.userId, ...refs }, priority), d.userId);
    return tell(d, to);
  });
}

const fmt = (n: number): string => n.toFixed(5);

/** The location events that notify: SOS, journeys, going offline, places. */
export const LOCATION_RULES = {
  sosRaised: scoped(location.SosRaised, (d, to) => to('sos_raised', d.lat !== null && d.lon !== null ? { position: `${fmt(d.lat)}, ${fmt(d.lon)}` } : {})),
  sosCleared: scoped(location.SosCleared, (_, to) => to('sos_cleared')),
  routingStarted: scoped(location.RoutingStarted, (d, to) => to('journey_started', { place: d.destination.name })),
  destinationReached: scoped(location.DestinationReached, (d, to) => to('destination_reached', { place: d.destination.name })),
  lateAlertRaised: scoped(location.LateAlertRaised, (_, to) => to('journey_late')),
  stuckAlertRaised: scoped(location.StuckAlertRaised, (_, to) => to('journey_stuck')),
  // Only while it matters: in an SOS (state stays `sos`) or on a journey (it turns `warning`).
  wentOffline: scoped(location.WentOffline, (d, to) =>
    d.state === 'sos' ? to('went_offline', { during: 'an SOS' }, 'urgent') : d.state === 'warning' ? to('went_offline', { during: 'a journey' }) : [],
  ),
  placeEntered: scoped(location.PlaceEntered, (d, to) => to('place_entered', { place: d.name }, undefined, { placeId: d.placeId })),
  placeLeft: scoped(location.PlaceLeft, (d, to) => to('place_left', { place: d.name }, undefined, { placeId: d.placeId })),
};

// ── membership ─────────────────────────────────────────────────────────────────────────

/**
 * The notifications of a membership change (the users service's events as
 * `membership.membershipChanges` reads them). `g` is the group before the change (a joiner
 * is not in it yet; a leaver still is). A group's creator becoming its owner tells no one.
 */
export function memberRule(c: membership.Change, g: GroupView): Draft[] {
  switch (c.kind) {
    case 'member': {
      if (c.via !== 'joined') return [];
      const vars = { name: c.displayName, group: g.name };
      const refs = { userId: c.userId };
      const out = others(g, make('member_joined', g, c.userId, vars, refs), c.userId, c.invitedBy);
      if (c.invitedBy && g.members.has(c.invitedBy) && c.invitedBy !== c.userId) out.push({ ...make('invite_accepted', g, c.userId, vars, refs), userId: c.invitedBy });
      return out;
    }
    case 'left': {
      const vars = { name: g.members.get(c.userId) ?? 'A member', group: g.name };
      if (c.removedBy === null) return others(g, make('member_left', g, c.userId, vars, { userId: c.userId }), c.userId);
      const made = make('member_removed', g, c.removedBy, vars, { userId: c.userId });
      return [...others(g, made, c.userId, c.removedBy), { ...made, ...YOU_WERE_REMOVED(vars), userId: c.userId }];
    }
    default:
      return [];
  }
}

// ── chat ───────────────────────────────────────────────────────────────────────────────

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

/** The chat events that notify: a member's message that mentions others. */
export const CHAT_RULES = {
  messageSent: rule(chat.MessageSent, ({ message: m }, g) => {
    if (m.kind !== 'user' || !m.authorId || !m.text) return [];
    const chars = [...m.text];
    const excerpt = chars.length > EXCERPT_MAX ? chars.slice(0, EXCERPT_MAX - 1).join('') + '…' : m.text;
    const made = make('mention', g, m.authorId, { name: m.authorName, group: g.name, excerpt }, { messageId: m.id });
    return mentioned(m.text, g, m.authorId).map((userId) => ({ ...made, userId }));
  }),
};
