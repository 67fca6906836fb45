/** Path parameters and reply shapes shared by the route files, built from the users contract's shapes. */
import * as v from 'valibot';
import { users } from '../../contracts/index.ts';

/** `:groupId`. */
export const GroupParams = v.strictObject({ groupId: users.Id });
/** `:groupId` and `:userId` (a member of it). */
export const MemberParams = v.strictObject({ groupId: users.Id, userId: users.Id });
/** `:groupId` and an invite `:code`. */
export const GroupInviteParams = v.strictObject({ groupId: users.Id, code: users.InviteCode });
/** An invite `:code`. */
export const InviteParams = v.strictObject({ code: users.InviteCode });
/** `:sessionId`. */
export const SessionParams = v.strictObject({ sessionId: users.Id });
/** An app password's `:id`. */
export const AppPasswordParams = v.strictObject({ id: users.Id });

/** `?limit=`: a page size from 1 to `max` (a whole number in the query string); optional. */
export const PageLimit = (max: number) => v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/, 'must be a whole number'), v.transform(Number), v.minValue(1), v.maxValue(max)));

/** An invite as the API shows it: with the link to share. */
export const InviteWithUrl = v.object({ ...users.Invite.entries, url: v.string() });

/** The link that opens an invite. */
export const inviteUrl = (publicUrl: string, code: string): string => `${publicUrl}/join/${encodeURIComponent(code)}`;

/** A problem document (RFC 9457), for the OpenAPI document. */
export const ProblemSchema = v.object({
  type: v.string(),
  title: v.string(),
  status: v.number(),
  detail: v.string(),
  code: v.string(),
  errors: v.optional(v.array(v.object({ path: v.string(), message: v.string() }))),
  requestId: v.optional(v.string()),
});
