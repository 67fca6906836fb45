/**
 * The one refusal for "not a member of this group", answered by the gateway and by every
 * service alike. It is `not_found` (HTTP 404), whether or not the group exists, so a
 * non-member learns nothing about other families' groups. It replaces `users.`,
 * `location.`, `chat.` and `notifications.not_a_member` (retired; see docs/api.md).
 */
import { AppError } from '../../kit/index.ts';

/** The code of the refusal. */
export const NOT_A_MEMBER = 'membership.not_a_member';

/**
 * The error refusing someone who is not a member of a group (optional details, e.g. which
 * field named the group).
 *
 * @example
 * throw notAMember(); // 404 membership.not_a_member
 */
export const notAMember = (details?: unknown): AppError => new AppError('not_found', NOT_A_MEMBER, 'No such group among yours', details);
