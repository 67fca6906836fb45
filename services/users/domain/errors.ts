/**
 * Every error the users service answers with, in one place, so codes stay stable and kinds
 * consistent. Invites that no longer work (unknown, revoked, expired, used up) are all
 * `not_found`: whatever the reason, the code leads nowhere and retrying cannot help; the
 * `code` says which so a client can tell the user to ask for a new one. A group the actor
 * is not in is `not_found` too (`membership.not_a_member`, the code every service answers), whether or not it exists, so nothing
 * leaks about other groups.
 */
import { AppError } from '../../../src/kit/index.ts';
import { membership } from '../../../src/contracts/index.ts';

const err = (kind: ConstructorParameters<typeof AppError>[0], code: string, message: string) => (details?: unknown) =>
  new AppError(kind, `users.${code}`, message, details);

/** Constructors of the users service's errors, by name. */
export const UsersError = {
  unknownUser: err('unauthorized', 'unknown_user', 'No such user'),
  sessionRevoked: err('unauthorized', 'session_revoked', 'This session has ended; sign in again'),
  sessionExpired: err('unauthorized', 'session_expired', 'This session has expired; sign in again'),
  refreshInvalid: err('unauthorized', 'refresh_invalid', 'Unknown refresh token'),
  refreshReused: err('unauthorized', 'refresh_reused', 'This refresh token was already used; the session has been ended'),
  badCredentials: err('unauthorized', 'bad_credentials', 'Wrong email or password'),
  codeRequired: err('unauthorized', 'code_required', 'This account signs in with a two-factor code: send `code` (from the authenticator app, or a recovery code)'),
  badCode: err('unauthorized', 'bad_code', 'Wrong, expired or already used two-factor code'),
  wrongCode: err('forbidden', 'wrong_code', 'The two-factor code is not correct (or was already used)'),
  twoFactorEnabled: err('conflict', 'two_factor_enabled', 'Two-factor sign-in is already on; turn it off first'),
  twoFactorNotPending: err('conflict', 'two_factor_not_pending', 'No two-factor enrolment is waiting for a code; start one first'),
  twoFactorNotEnabled: err('not_found', 'two_factor_not_enabled', 'Two-factor sign-in is not on for this account'),
  codeOrPassword: err('validation', 'code_or_password', 'Send a two-factor code or the password'),
  wrongPassword: err('forbidden', 'wrong_password', 'The password is not correct'),
  noSession: err('validation', 'no_session', 'This request needs a session (sign in with a password)'),
  emailTaken: err('conflict', 'email_taken', 'An account with this email already exists'),
  registrationClosed: err('forbidden', 'registration_closed', 'Registration is closed on this Hearth'),
  externalEmailTaken: err('conflict', 'external_email_taken', 'An account with this e-mail already exists; sign in with its password (linking accounts by e-mail is off, or the provider has not verified the e-mail)'),
  externalEmailMissing: err('validation', 'external_email_missing', 'The provider did not share an e-mail address; allow the `email` scope'),
  inviteRequired: err('forbidden', 'invite_required', 'Registration needs an invite code'),
  inviteInvalid: err('not_found', 'invite_invalid', 'No such invite'),
  inviteRevoked: err('not_found', 'invite_revoked', 'This invite was revoked'),
  inviteExpired: err('not_found', 'invite_expired', 'This invite has expired'),
  inviteUsedUp: err('not_found', 'invite_used_up', 'This invite has been used as often as it may be'),
  alreadyMember: err('conflict', 'already_member', 'Already a member of this group'),
  /** Shared with every service: `membership.not_a_member` (was `users.not_a_member`). */
  notAMember: membership.notAMember,
  noSuchMember: err('not_found', 'no_such_member', 'No such member in this group'),
  insufficientRole: err('forbidden', 'insufficient_role', 'Your role in this group does not allow this'),
  accountDeleting: err('forbidden', 'account_deleting', 'This account is being deleted; only its deletion can be followed'),
  noAccountDeletion: err('not_found', 'no_account_deletion', 'This account has not asked to be deleted'),
  ownerMustTransfer: err('conflict', 'owner_must_transfer', 'The owner must transfer the group (or delete it) first'),
  invalidTarget: err('conflict', 'invalid_target', 'This cannot be done to that member'),
  noGroupDeletion: err('not_found', 'no_group_deletion', 'You have not deleted this group'),
  adminOnly: err('forbidden', 'admin_only', 'Only the instance admin may do this'),
  noSuchSession: err('not_found', 'no_such_session', 'No such session'),
  noSuchAppPassword: err('not_found', 'no_such_app_password', 'No such app password'),
  tooManyAppPasswords: err('conflict', 'too_many_app_passwords', 'Too many app passwords; revoke one first'),
  avatarMismatch: err('validation', 'avatar_mismatch', 'The avatar is not the PNG, JPEG or WebP image it says it is'),
} as const;
