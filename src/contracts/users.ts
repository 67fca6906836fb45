/**
 * The users service's messages: accounts, sessions and tokens, app passwords, groups and
 * invites (requests on `svc.users.<op>`), and the events other services build their read
 * models from (`evt.users.<type>`). Every request that acts for someone carries `actor`,
 * which only the gateway fills in, from a verified access token; the service checks the
 * actor's rights again itself.
 */
import * as v from 'valibot';
import { command, event, query } from '../kit/index.ts';

const S = 'users';

// ── shared shapes ──────────────────────────────────────────────────────────────────────

/** A UUIDv7 (any UUID, lower-case). */
export const Id = v.pipe(v.string(), v.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a UUID'));
export const Email = v.pipe(v.string(), v.trim(), v.toLowerCase(), v.maxLength(254), v.email('must be an email address'));
/** 10–1024 characters: long passphrases welcome, nothing that would make hashing a DoS. */
export const Password = v.pipe(v.string(), v.minLength(10, 'must be at least 10 characters'), v.maxLength(1024));
/** libSQL reads TEXT up to the first NUL: a name holding one would come back cut short. */
export const noNul = v.check((s: string) => !s.includes('\u0000'), 'must not contain the NUL character (U+0000)');
export const DisplayName = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(80), noNul);
export const GroupName = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(80), noNul);
export const Role = v.picklist(['owner', 'admin', 'member']);
export type Role = v.InferOutput<typeof Role>;
/** An invite code: 8–64 URL-safe characters. */
export const InviteCode = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be an invite code'));
/** Who may create an account: anyone, holders of an invite code, or nobody (the first account always may). */
export const RegistrationMode = v.picklist(['open', 'invite-only', 'closed']);
export type RegistrationMode = v.InferOutput<typeof RegistrationMode>;
/** Avatar: a PNG, JPEG or WebP data URL of at most 64 KiB. */
export const Avatar = v.pipe(v.string(), v.maxLength(90_000), v.regex(/^data:image\/(png|jpeg|webp);base64,[A-Za-z0-9+/=]+$/, 'must be a PNG, JPEG or WebP data URL'));

/** Who is asking: the token's subject and session, put there by the gateway. */
export const Actor = v.strictObject({ userId: Id, sessionId: v.optional(Id) });
export type Actor = v.InferOutput<typeof Actor>;

const Ok = v.object({});
const Iso = v.string();

export const TokenPair = v.object({
  accessToken: v.string(),
  refreshToken: v.string(),
  /** Seconds until the access token expires (900). */
  expiresIn: v.number(),
  tokenType: v.literal('Bearer'),
  userId: Id,
  sessionId: Id,
  /** True on a sign-in that cancelled the account's deletion (within its grace period, `users.deletion_grace_s`). */
  deletionCancelled: v.optional(v.boolean()),
});
export type TokenPair = v.InferOutput<typeof TokenPair>;

export const Profile = v.object({
  id: Id,
  email: v.string(),
  displayName: v.string(),
  avatar: v.nullable(v.string()),
  admin: v.boolean(),
  createdAt: Iso,
});

export const Session = v.object({ id: Id, device: v.string(), createdAt: Iso, lastUsedAt: Iso, current: v.boolean() });
export const AppPassword = v.object({ id: Id, label: v.string(), createdAt: Iso, lastUsedAt: v.nullable(Iso) });
export const Group = v.object({ id: Id, name: v.string(), role: Role, memberCount: v.number(), createdAt: Iso });
export const Member = v.object({ userId: Id, displayName: v.string(), role: Role, joinedAt: Iso });
export const Invite = v.object({ code: v.string(), groupId: Id, expiresAt: Iso, maxUses: v.number(), uses: v.number(), createdAt: Iso });
/** An invite as whoever holds its code sees it before joining: the group's name and who made it (null once that account is gone). */
export const InvitePreview = v.object({ code: v.string(), groupId: Id, groupName: v.string(), expiresAt: Iso, inviterName: v.nullable(v.string()) });

/** A public key set (RFC 7517); keys are Ed25519 OKP keys with `kid`, `alg: EdDSA`, `use: sig`. */
export const Jwks = v.object({ keys: v.array(v.looseObject({ kty: v.string(), kid: v.string() })) });

// ── the instance ───────────────────────────────────────────────────────────────────────

/**
 * What a client needs before anyone signs in: the registration mode, and whether the
 * instance has no account yet (then the first registration makes the instance admin).
 *
 * @example
 * const { registration, setupNeeded } = await api.request(users.InstanceInfo, {});
 * if (setupNeeded) offerFirstAccount(); // registration: 'invite-only', setupNeeded: true
 */
export const InstanceInfo = query(S, 'instance', {
  version: 1,
  request: v.strictObject({}),
  reply: v.object({ registration: RegistrationMode, setupNeeded: v.boolean() }),
});

// ── accounts and sessions ──────────────────────────────────────────────────────────────

/** Creates an account. Needs an invite code unless registration is open; the first account is the admin. */
export const Register = command(S, 'register', {
  version: 1,
  request: v.strictObject({ email: Email, password: Password, displayName: DisplayName, invite: v.optional(InviteCode), ip: v.optional(v.string()) }),
  reply: v.object({ userId: Id, admin: v.boolean(), groupId: v.nullable(Id) }),
});

/** Signs in with email and password: a new session and its first token pair. */
export const Login = command(S, 'login', {
  version: 1,
  request: v.strictObject({
    email: Email,
    password: v.pipe(v.string(), v.maxLength(1024)),
    device: v.optional(v.pipe(v.string(), v.maxLength(200))),
    /** An account with two-factor sign-in: the authenticator's 6-digit code, or one of its recovery codes. */
    code: v.optional(v.pipe(v.string(), v.maxLength(64))),
  }),
  reply: TokenPair,
});

/**
 * Signs in someone an external OpenID provider vouched for (the gateway validated the ID
 * token): the account linked to (`issuer`, `subject`); else, with `oidc.link_by_email` on
 * and a verified e-mail, the account with that e-mail, now linked; else a new account
 * under the registration mode (`invite` in invite-only mode). An e-mail already taken
 * without linking is `users.external_email_taken`.
 */
export const SignInExternal = command(S, 'sign_in_external', {
  version: 1,
  request: v.strictObject({
    issuer: v.pipe(v.string(), v.minLength(1), v.maxLength(2048)),
    subject: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
    email: v.optional(v.pipe(v.string(), v.maxLength(254))),
    emailVerified: v.boolean(),
    displayName: v.optional(v.pipe(v.string(), v.maxLength(200))),
    invite: v.optional(InviteCode),
    device: v.optional(v.pipe(v.string(), v.maxLength(200))),
  }),
  reply: v.object({ ...TokenPair.entries, created: v.boolean(), linked: v.boolean(), groupId: v.nullable(Id) }),
});

/** Trades a refresh token for a new pair; a spent token used again revokes its whole session. */
export const Refresh = command(S, 'refresh', {
  version: 1,
  request: v.strictObject({ refreshToken: v.pipe(v.string(), v.maxLength(200)) }),
  reply: TokenPair,
});

/** Signs out: revokes the actor's session (or every session with `everywhere`). */
export const Logout = command(S, 'logout', {
  version: 1,
  request: v.strictObject({ actor: Actor, everywhere: v.optional(v.boolean(), false) }),
  reply: v.object({ revoked: v.number() }),
});

/** Changes the password and revokes every other session. */
export const ChangePassword = command(S, 'change_password', {
  version: 1,
  request: v.strictObject({ actor: Actor, currentPassword: v.pipe(v.string(), v.maxLength(1024)), newPassword: Password }),
  reply: v.object({ revoked: v.number() }),
});

export const ListSessions = query(S, 'sessions', { version: 1, request: v.strictObject({ actor: Actor }), reply: v.object({ sessions: v.array(Session) }) });
export const RevokeSession = command(S, 'revoke_session', { version: 1, request: v.strictObject({ actor: Actor, sessionId: Id }), reply: Ok });

export const GetMe = query(S, 'me', { version: 1, request: v.strictObject({ actor: Actor }), reply: Profile });
export const UpdateProfile = command(S, 'update_profile', {
  version: 1,
  request: v.strictObject({ actor: Actor, displayName: v.optional(DisplayName), avatar: v.optional(v.nullable(Avatar)) }),
  reply: Profile,
});

/**
 * The small pictures OwnTracks shows for friends (a card's `face`): per user, base64 of a
 * 128×128 JPEG made from their avatar (no `data:` prefix), or null. Asked by the gateway for
 * users the actor shares a group with (others come back null).
 *
 * @example
 * const { faces } = await api.request(users.GetFaces, { actor, userIds: [bo] }); // [{ userId: bo, face: '/9j/4AAQ…' }]
 */
export const GetFaces = query(S, 'faces', {
  version: 1,
  request: v.strictObject({ actor: Actor, userIds: v.pipe(v.array(Id), v.maxLength(500)) }),
  reply: v.object({ faces: v.array(v.object({ userId: Id, face: v.nullable(v.string()) })) }),
});

/**
 * Starts deleting the account (password required): the account-deletion saga
 * (contracts/sagas/account-deletion.ts), answered with its id and state; `user.deleted`
 * comes last. An owner must first transfer or delete their groups that have other members.
 */
export const DeleteAccount = command(S, 'delete_account', {
  version: 1,
  request: v.strictObject({ actor: Actor, password: v.pipe(v.string(), v.maxLength(1024)) }),
  reply: v.object({ sagaId: Id, status: v.string() }),
});

// ── app passwords ──────────────────────────────────────────────────────────────────────

/** A per-device secret for apps that cannot do the token dance; the password is shown only here. */
export const CreateAppPassword = command(S, 'create_app_password', {
  version: 1,
  request: v.strictObject({ actor: Actor, label: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(80)) }),
  reply: v.object({ id: Id, label: v.string(), password: v.string() }),
});
export const ListAppPasswords = query(S, 'app_passwords', { version: 1, request: v.strictObject({ actor: Actor }), reply: v.object({ items: v.array(AppPassword) }) });
export const RevokeAppPassword = command(S, 'revoke_app_password', { version: 1, request: v.strictObject({ actor: Actor, id: Id }), reply: Ok });
/** Checks an app password (HTTP Basic: email + app password); answers who it belongs to. */
export const VerifyAppPassword = command(S, 'verify_app_password', {
  version: 1,
  request: v.strictObject({ email: Email, password: v.pipe(v.string(), v.maxLength(1024)) }),
  reply: v.object({ userId: Id, appPasswordId: Id }),
});

// ── two-factor sign-in (TOTP, RFC 6238) ───────────────────────────────────────────────

/** A 6-digit authenticator code or a recovery code, as typed (spaces and dashes are ignored). */
export const TwoFactorCode = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(64));

/** Whether the account has two-factor sign-in, an enrolment waiting for its first code, and how many recovery codes are unused. */
export const TwoFactorStatus = query(S, 'two_factor', {
  version: 1,
  request: v.strictObject({ actor: Actor }),
  reply: v.object({ enabled: v.boolean(), pending: v.boolean(), enabledAt: v.nullable(Iso), recoveryCodesLeft: v.number() }),
});

/**
 * Starts enrolling: a new secret (base32) and its `otpauth://` URI, shown only in this answer;
 * nothing changes at sign-in until `ConfirmTwoFactor` gets a first valid code. Asked again
 * before that, a new secret replaces the old one.
 */
export const StartTwoFactor = command(S, 'start_two_factor', {
  version: 1,
  request: v.strictObject({ actor: Actor }),
  reply: v.object({ secret: v.string(), uri: v.string() }),
});

/** Confirms the enrolment with a first code from the authenticator; answers the recovery codes, shown only here. */
export const ConfirmTwoFactor = command(S, 'confirm_two_factor', {
  version: 1,
  request: v.strictObject({ actor: Actor, code: TwoFactorCode }),
  reply: v.object({ recoveryCodes: v.array(v.string()) }),
});

/** Turns two-factor sign-in off: needs a current code (or a recovery code) or the password. */
export const DisableTwoFactor = command(S, 'disable_two_factor', {
  version: 1,
  request: v.strictObject({ actor: Actor, code: v.optional(TwoFactorCode), password: v.optional(v.pipe(v.string(), v.maxLength(1024))) }),
  reply: Ok,
});

// ── keys ───────────────────────────────────────────────────────────────────────────────

/** The public keys access tokens are signed with (current and still-valid old ones). */
export const GetJwks = query(S, 'jwks', { version: 1, request: v.strictObject({}), reply: Jwks });
/** Makes a new signing key current (instance admin only); old keys stay published until their tokens expire. */
export const RotateKeys = command(S, 'rotate_keys', { version: 1, request: v.strictObject({ actor: Actor }), reply: v.object({ kid: v.string() }) });

// ── groups and invites ─────────────────────────────────────────────────────────────────

export const CreateGroup = command(S, 'create_group', { version: 1, request: v.strictObject({ actor: Actor, name: GroupName }), reply: Group });
export const RenameGroup = command(S, 'rename_group', { version: 1, request: v.strictObject({ actor: Actor, groupId: Id, name: GroupName }), reply: Group });
/**
 * Deletes a group (owner only): starts the group-deletion saga (contracts/sagas/group-deletion.ts)
 * and answers its id and state; asked again while it runs, the same saga.
 */
export const DeleteGroup = command(S, 'delete_group', { version: 2, request: v.strictObject({ actor: Actor, groupId: Id }), reply: v.object({ sagaId: v.string(), status: v.string() }) });
export const ListGroups = query(S, 'groups', { version: 1, request: v.strictObject({ actor: Actor }), reply: v.object({ groups: v.array(Group) }) });
export const ListMembers = query(S, 'members', { version: 1, request: v.strictObject({ actor: Actor, groupId: Id }), reply: v.object({ members: v.array(Member) }) });

/** An invite (admin/owner): a code valid until `expiresAt` for at most `maxUses` joins. */
export const CreateInvite = command(S, 'create_invite', {
  version: 1,
  request: v.strictObject({
    actor: Actor,
    groupId: Id,
    expiresInSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(60), v.maxValue(30 * 86400)), 7 * 86400),
    maxUses: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)), 10),
  }),
  reply: Invite,
});
export const ListInvites = query(S, 'invites', { version: 1, request: v.strictObject({ actor: Actor, groupId: Id }), reply: v.object({ invites: v.array(Invite) }) });
export const RevokeInvite = command(S, 'revoke_invite', { version: 1, request: v.strictObject({ actor: Actor, code: InviteCode }), reply: Ok });
/**
 * Shows an invite to whoever holds its code, signed in or not (the `/join/<code>` page).
 * A code that does not work answers the same errors as accepting it would
 * (`users.invite_invalid|invite_revoked|invite_expired|invite_used_up`, all not_found).
 *
 * @example
 * const { groupName, inviterName } = await api.request(users.PreviewInvite, { code }); // 'Family', 'Ann'
 */
export const PreviewInvite = query(S, 'preview_invite', { version: 1, request: v.strictObject({ code: InviteCode }), reply: InvitePreview });
/** Joins the invite's group. */
export const AcceptInvite = command(S, 'accept_invite', { version: 1, request: v.strictObject({ actor: Actor, code: InviteCode }), reply: v.object({ groupId: Id }) });

/** Leaves a group (an owner must transfer first, or delete the group when alone). */
export const LeaveGroup = command(S, 'leave_group', { version: 1, request: v.strictObject({ actor: Actor, groupId: Id }), reply: Ok });
/** Removes a member (admin/owner; an admin cannot remove the owner or another admin). */
export const RemoveMember = command(S, 'remove_member', { version: 1, request: v.strictObject({ actor: Actor, groupId: Id, userId: Id }), reply: Ok });
/** Makes a member an admin or a member (owner only). */
export const ChangeRole = command(S, 'change_role', {
  version: 1,
  request: v.strictObject({ actor: Actor, groupId: Id, userId: Id, role: v.picklist(['admin', 'member']) }),
  reply: Member,
});
/** Hands the group to another member (owner only); the old owner becomes an admin. */
export const TransferOwnership = command(S, 'transfer_ownership', { version: 1, request: v.strictObject({ actor: Actor, groupId: Id, userId: Id }), reply: Ok });

// ── events ─────────────────────────────────────────────────────────────────────────────

export const UserRegistered = event(S, 'user.registered', { version: 1, data: v.object({ userId: Id, displayName: v.string(), admin: v.boolean() }) });
export const UserProfileUpdated = event(S, 'user.profile_updated', { version: 1, data: v.object({ userId: Id, displayName: v.string() }) });
export const UserDeleted = event(S, 'user.deleted', { version: 1, data: v.object({ userId: Id }) });
/** A session ended (sign-out, revocation, password change, refresh-token re-use): the gateway stops honouring its access tokens. */
export const SessionRevoked = event(S, 'session.revoked', { version: 1, data: v.object({ userId: Id, sessionId: Id, reason: v.string() }) });
/** An app password was revoked: every gateway forgets the verifications it cached for that user's app passwords. */
export const AppPasswordRevoked = event(S, 'app_password.revoked', { version: 1, data: v.object({ userId: Id, appPasswordId: Id }) });
export const GroupCreated = event(S, 'group.created', { version: 1, data: v.object({ groupId: Id, name: v.string(), ownerId: Id, ownerName: v.string() }) });
export const GroupRenamed = event(S, 'group.renamed', { version: 1, data: v.object({ groupId: Id, name: v.string() }) });
export const GroupDeleted = event(S, 'group.deleted', { version: 1, data: v.object({ groupId: Id }) });
/** A member joined; `invitedBy` names the member whose invite they accepted (absent: the group's creator). */
export const MemberJoined = event(S, 'group.member_joined', { version: 1, data: v.object({ groupId: Id, userId: Id, displayName: v.string(), role: Role, invitedBy: v.optional(Id) }) });
export const MemberLeft = event(S, 'group.member_left', { version: 1, data: v.object({ groupId: Id, userId: Id }) });
export const MemberRemoved = event(S, 'group.member_removed', { version: 1, data: v.object({ groupId: Id, userId: Id, by: Id }) });
export const MemberRoleChanged = event(S, 'group.member_role_changed', { version: 1, data: v.object({ groupId: Id, userId: Id, role: Role }) });

/** Every users event, by type (for consumers that dispatch on `event.type`). */
export const userEvents = {
  UserRegistered,
  UserProfileUpdated,
  UserDeleted,
  SessionRevoked,
  GroupCreated,
  GroupRenamed,
  GroupDeleted,
  MemberJoined,
  MemberLeft,
  MemberRemoved,
  MemberRoleChanged,
} as const;
