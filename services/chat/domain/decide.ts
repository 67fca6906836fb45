/**
 * Who may change a message, as pure decisions from the message (and the actor's membership)
 * to the event to append: an edit is the author's alone and not of a deleted message; a
 * delete is the author's, or a moderator's (an owner or admin, `membership.canModerate`) of
 * a member's message — never of a system message; a delete of a deleted message changes
 * nothing; a read marker only ever moves forward.
 */
import type { DataOf } from '../../../src/kit/index.ts';
import { membership, type chat } from '../../../src/contracts/index.ts';
import { ChatError } from './errors.ts';

type Edited = DataOf<typeof chat.MessageEdited>;
type Deleted = DataOf<typeof chat.MessageDeleted>;
type MarkerMoved = DataOf<typeof chat.ReadMarkerMoved>;

/** Whether `member` may delete `m`: their own message, or a member's message they moderate. */
export const mayDelete = (m: chat.Message, member: membership.Member): boolean =>
  m.authorId === member.userId || (m.kind === 'user' && membership.canModerate(member.role));

/**
 * The edit `actorId` makes to `m`; refuses anyone but the author, and a deleted message.
 *
 * @example
 * decideEdit(m, ann.userId, 'Dinner at eight?', now); // { groupId, messageId: m.id, text, editedAt: now }
 */
export function decideEdit(m: chat.Message, actorId: string, text: string, at: string): Edited {
  if (m.authorId !== actorId) throw ChatError.notAuthorEdit();
  if (m.deletedAt) throw ChatError.deleted();
  return { groupId: m.groupId, messageId: m.id, text, editedAt: at };
}

/**
 * The delete `member` makes of `m`, or null when it is deleted already (a delete is safe to
 * repeat); refuses anyone who may not delete it.
 *
 * @example
 * decideDelete(m, admin, now); // { groupId, messageId: m.id, by: admin.userId, deletedAt: now }
 */
export function decideDelete(m: chat.Message, member: membership.Member, at: string): Deleted | null {
  if (m.deletedAt) return null;
  if (!mayDelete(m, member)) throw ChatError.notAuthorDelete();
  return { groupId: m.groupId, messageId: m.id, by: member.userId, deletedAt: at };
}

/**
 * Where `userId`'s marker moves when they have read up to `m`, or null when it is there or
 * further already (`marker`: where it is now, if anywhere).
 *
 * @example
 * decideReadMarker({ seq: 7 }, m5, bo.userId); // null: it never moves back
 */
export function decideReadMarker(marker: { seq: number } | undefined, m: chat.Message, userId: string): MarkerMoved | null {
  if (marker && marker.seq >= m.seq) return null;
  return { groupId: m.groupId, userId, messageId: m.id, seq: m.seq };
}
