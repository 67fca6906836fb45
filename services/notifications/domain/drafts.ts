/**
 * What the rules make: a draft per recipient, with its type, priority and texts, from the
 * group as this service knows it. Pure, no I/O.
 */
import type { notifications } from '../../../src/contracts/index.ts';
import { TEXTS, type TextVars } from './texts.ts';

type Type = notifications.NotificationType;

/** A group as the rules see it. */
export interface GroupView {
  groupId: string;
  name: string;
  /** Members by user id, with display names. */
  members: ReadonlyMap<string, string>;
}

/** One notification to store, for one recipient. */
export interface Draft {
  userId: string;
  type: Type;
  priority: notifications.Priority;
  /** The group it is about (null: none, e.g. a notice about the user's own phone). */
  groupId: string | null;
  actorId: string | null;
  title: string;
  body: string;
  refs: { messageId?: string; placeId?: string; userId?: string };
}

/** A draft before its recipient is known. */
export type Made = Omit<Draft, 'userId'>;

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
  low_battery: 'default',
  stopped_reporting: 'high',
  phone_unreadable: 'high',
  group_deleted: 'high',
};

/** A notification of `type` about `g`, its texts filled in (the type's priority unless given). */
export function make(type: Type, g: GroupView, actorId: string | null, vars: TextVars, refs: Draft['refs'] = {}, priority = PRIORITY[type]): Made {
  return { type, priority, groupId: g.groupId, actorId, ...TEXTS[type](vars), refs };
}

/** `made` for everyone in the group but `except`. */
export function others(g: GroupView, made: Made, ...except: (string | null | undefined)[]): Draft[] {
  const out: Draft[] = [];
  for (const userId of g.members.keys()) if (!except.includes(userId)) out.push({ ...made, userId });
  return out;
}
