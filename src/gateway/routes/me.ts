/**
 * `/v1/me*`: the signed-in user's profile, password, sessions and app passwords. Routes
 * that manage the account's security need a session (an access token); an app password
 * cannot be used to mint more app passwords, change the password or delete the account.
 */
import * as v from 'valibot';
import { sagas, users } from '../../contracts/index.ts';
import { qrSvg } from '../owntracks/qr.ts';
import { route } from '../route-spec.ts';
import { AppPasswordParams, SessionParams } from './shapes.ts';

const tag = 'me';
const Secret = v.pipe(v.string(), v.minLength(1), v.maxLength(1024));

/** The account routes. */
export const meRoutes = [
  route({
    method: 'GET',
    path: '/v1/me',
    summary: 'My profile',
    tag,
    access: 'user',
    service: 'users',
    reply: users.Profile,
    handle: ({ actor, call }) => call(users.GetMe, { actor }),
  }),
  route({
    method: 'PATCH',
    path: '/v1/me',
    summary: 'Change my display name or avatar (a PNG, JPEG or WebP data URL; null removes it)',
    tag,
    access: 'user',
    service: 'users',
    body: v.strictObject({ displayName: v.optional(users.DisplayName), avatar: v.optional(v.nullable(users.Avatar)) }),
    reply: users.Profile,
    handle: ({ actor, body, call }) => call(users.UpdateProfile, { actor, ...body }),
  }),
  route({
    method: 'DELETE',
    path: '/v1/me',
    summary: 'Delete my account (password required; an owner must first transfer or delete their groups): starts the deletion, followed at GET /v1/me/deletion',
    tag,
    access: 'session',
    service: 'users',
    body: v.strictObject({ password: Secret }),
    status: 202,
    reply: sagas.AccountDeletionStarted,
    handle: ({ actor, body, call }) => call(users.DeleteAccount, { actor, password: body.password }),
  }),
  route({
    method: 'GET',
    path: '/v1/me/deletion',
    summary: "How far my account's deletion has got (the one request my sessions may still make while it runs)",
    tag,
    access: 'user',
    service: 'users',
    reply: sagas.AccountDeletionProgress,
    handle: ({ actor, call }) => call(sagas.GetAccountDeletion, { actor }),
  }),
  route({
    method: 'POST',
    path: '/v1/me/password',
    summary: 'Change my password; every other session is signed out',
    tag,
    access: 'session',
    service: 'users',
    body: v.strictObject({ currentPassword: Secret, newPassword: users.Password }),
    reply: users.ChangePassword.reply,
    handle: ({ actor, body, call }) => call(users.ChangePassword, { actor, ...body }),
  }),
  route({
    method: 'GET',
    path: '/v1/me/sessions',
    summary: 'My sessions (signed-in devices)',
    tag,
    access: 'session',
    service: 'users',
    reply: users.ListSessions.reply,
    handle: ({ actor, call }) => call(users.ListSessions, { actor }),
  }),
  route({
    method: 'DELETE',
    path: '/v1/me/sessions/:sessionId',
    summary: 'Sign a session out',
    tag,
    access: 'session',
    service: 'users',
    params: SessionParams,
    status: 204,
    handle: async ({ actor, params, call, deps }) => {
      await call(users.RevokeSession, { actor, sessionId: params.sessionId });
      await deps.model.settle(() => deps.model.isRevoked(params.sessionId));
    },
  }),
  route({
    method: 'GET',
    path: '/v1/me/app-passwords',
    summary: 'My app passwords (without the secrets)',
    tag,
    access: 'session',
    service: 'users',
    reply: users.ListAppPasswords.reply,
    handle: ({ actor, call }) => call(users.ListAppPasswords, { actor }),
  }),
  route({
    method: 'POST',
    path: '/v1/me/app-passwords',
    summary: 'Create an app password for a device (HTTP Basic: email + this password); shown only in this answer',
    tag,
    access: 'session',
    secret: true,
    service: 'users',
    body: v.strictObject({ label: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(80)) }),
    status: 201,
    reply: users.CreateAppPassword.reply,
    handle: ({ actor, body, call }) => call(users.CreateAppPassword, { actor, label: body.label }),
  }),
  route({
    method: 'DELETE',
    path: '/v1/me/app-passwords/:id',
    summary: 'Revoke an app password (refused at once by this gateway; by other gateway instances within 30 seconds)',
    tag,
    access: 'session',
    service: 'users',
    params: AppPasswordParams,
    status: 204,
    handle: async ({ actor, params, call, deps }) => {
      const done = await call(users.RevokeAppPassword, { actor, id: params.id });
      deps.appPasswords.forgetUser(actor.userId); // its cached verification must not outlive it
      return done;
    },
  }),
  route({
    method: 'GET',
    path: '/v1/me/two-factor',
    summary: 'Whether two-factor sign-in is on (or an enrolment waits for its first code), and how many recovery codes are left',
    tag,
    access: 'session',
    service: 'users',
    reply: users.TwoFactorStatus.reply,
    handle: ({ actor, call }) => call(users.TwoFactorStatus, { actor }),
  }),
  route({
    method: 'POST',
    path: '/v1/me/two-factor',
    summary: 'Start turning on two-factor sign-in: a new secret, its otpauth:// URI and that URI as an SVG QR code, shown only in this answer; confirm with a first code',
    tag,
    access: 'session',
    secret: true,
    limit: 'auth',
    service: 'users',
    status: 201,
    reply: v.object({ secret: v.string(), uri: v.string(), qrSvg: v.string() }),
    handle: async ({ actor, call }) => {
      const started = await call(users.StartTwoFactor, { actor });
      return { ...started, qrSvg: await qrSvg(started.uri) };
    },
  }),
  route({
    method: 'POST',
    path: '/v1/me/two-factor/confirm',
    summary: 'Turn two-factor sign-in on with a first code from the authenticator app; answers ten recovery codes, shown only here',
    tag,
    access: 'session',
    secret: true,
    limit: 'auth',
    service: 'users',
    body: v.strictObject({ code: users.TwoFactorCode }),
    reply: users.ConfirmTwoFactor.reply,
    handle: ({ actor, body, call }) => call(users.ConfirmTwoFactor, { actor, code: body.code }),
  }),
  route({
    method: 'DELETE',
    path: '/v1/me/two-factor',
    summary: 'Turn two-factor sign-in off (a current code, a recovery code or the password required)',
    tag,
    access: 'session',
    limit: 'auth',
    service: 'users',
    body: v.strictObject({ code: v.optional(users.TwoFactorCode), password: v.optional(Secret) }),
    status: 204,
    handle: async ({ actor, body, call }) => {
      await call(users.DisableTwoFactor, { actor, ...body });
    },
  }),
  route({
    method: 'POST',
    path: '/v1/admin/keys/rotate',
    summary: 'Make a new token signing key current (instance admin only)',
    tag: 'admin',
    access: 'session',
    service: 'users',
    reply: users.RotateKeys.reply,
    handle: async ({ actor, call, deps }) => {
      const reply = await call(users.RotateKeys, { actor });
      await deps.jwks.refresh().catch(() => undefined); // an unknown kid triggers a fetch anyway
      return reply;
    },
  }),
];
