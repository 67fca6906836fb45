/**
 * A message as it is sent: a member's, or the service's own system message telling the
 * group's story. Pure values: the id and the instant come from the caller.
 */
import type { chat, membership } from '../../../src/contracts/index.ts';

/** A message before the log gives it its seq. */
export type NewMessage = Omit<chat.Message, 'seq'>;

/** What a system message tells: a member joined, left or was removed; an SOS; an arrival. */
export type SystemKind = NonNullable<chat.Message['system']>['type'];

/** The stream of a group's conversation. */
export const chatStream = (groupId: string): string => `chat:${groupId}`;

/**
 * The txnId of a system message: it names the event that caused it, so consuming that event
 * again (a rebuild reads the producers' logs from the start) finds it and sends nothing.
 */
export const causeTxnId = (eventId: string): string => `cause:${eventId}`;

/**
 * A member's message.
 *
 * @example
 * userMessage({ id, groupId, author: me, text: 'Dinner?', replyTo: null, at: '2026-12-02T10:00:00.000Z' });
 */
export function userMessage(o: { id: string; groupId: string; author: membership.Member; text: string; replyTo: string | null; at: string }): NewMessage {
  return {
    id: o.id,
    groupId: o.groupId,
    kind: 'user',
    authorId: o.author.userId,
    authorName: o.author.displayName,
    text: o.text,
    replyTo: o.replyTo,
    system: null,
    createdAt: o.at,
    editedAt: null,
    deletedAt: null,
  };
}

/**
 * A system message about `userId` (named `name`), written by "Hearth" at the instant of the
 * event that caused it.
 *
 * @example
 * systemMessage({ id, groupId, kind: 'member_joined', userId, name: 'Bo', at: event.at });
 */
export function systemMessage(o: { id: string; groupId: string; kind: SystemKind; userId: string; name: string; at: string }): NewMessage {
  return {
    id: o.id,
    groupId: o.groupId,
    kind: 'system',
    authorId: null,
    authorName: 'Hearth',
    text: null,
    replyTo: null,
    system: { type: o.kind, userId: o.userId, name: o.name },
    createdAt: o.at,
    editedAt: null,
    deletedAt: null,
  };
}

/**
 * The system message a membership change tells the group, if any: someone joined through an
 * invite (not the owner creating the group), left, or was removed.
 *
 * @example
 * memberSystemKind({ kind: 'left', groupId, userId, removedBy: ownerId }); // 'member_removed'
 */
export function memberSystemKind(c: membership.Change): SystemKind | undefined {
  if (c.kind === 'member') return c.via === 'joined' ? 'member_joined' : undefined;
  if (c.kind === 'left') return c.removedBy === null ? 'member_left' : 'member_removed';
  return undefined;
}
