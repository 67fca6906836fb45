/**
 * Every error the chat service answers with besides `membership.not_a_member`, in one
 * place, so codes stay stable and kinds consistent.
 */
import { AppError } from '../../../src/kit/index.ts';

/** Constructors of the chat service's errors, by name. */
export const ChatError = {
  /** No such message in this group (also a cursor naming none; `details` says which field). */
  noMessage: (details?: unknown) => new AppError('not_found', 'chat.no_message', 'No such message in this group', details),
  noReplyTarget: () =>
    new AppError('validation', 'chat.no_reply_target', 'The message replied to is not in this group', { issues: [{ path: 'replyTo', message: 'is not a message of this group' }] }),
  notAuthorEdit: () => new AppError('forbidden', 'chat.not_author', 'Only the author may edit a message'),
  notAuthorDelete: () => new AppError('forbidden', 'chat.not_author', 'Only the author or an admin may delete a message'),
  deleted: () => new AppError('conflict', 'chat.deleted', 'A deleted message cannot be edited'),
  twoCursors: () => new AppError('validation', 'chat.two_cursors', 'Give before or after, not both', { issues: [{ path: 'after', message: 'cannot be given with before' }] }),
} as const;
