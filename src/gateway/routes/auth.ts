/** `/v1/auth/*`: register, sign in, refresh, sign out — the strictly rate-limited routes. */
import * as v from 'valibot';
import { users } from '../../contracts/index.ts';
import { route } from '../route-spec.ts';

const tag = 'auth';
const MAX_DEVICE = 200;

/** The authentication routes. */
export const authRoutes = [
  route({
    method: 'POST',
    path: '/v1/auth/register',
    summary: 'Create an account (with an invite code unless registration is open; the first account needs none and becomes the admin)',
    tag,
    access: 'public',
    limit: 'auth',
    service: 'users',
    body: v.strictObject({ email: users.Email, password: users.Password, displayName: users.DisplayName, invite: v.optional(users.InviteCode) }),
    status: 201,
    reply: users.Register.reply,
    handle: async ({ body, ip, call, deps }) => {
      const reply = await call(users.Register, { ...body, ip });
      const { groupId } = reply;
      if (groupId) await deps.model.settle(() => !!deps.model.roleOf(groupId, reply.userId));
      return reply;
    },
  }),
  route({
    method: 'POST',
    path: '/v1/auth/login',
    summary: 'Sign in with email and password (and `code`, a two-factor or recovery code, for an account that has two-factor sign-in on: without it `users.code_required`): a new session and its first token pair',
    tag,
    access: 'public',
    secret: true,
    limit: 'auth',
    service: 'users',
    body: v.strictObject({
      email: users.Email,
      password: v.pipe(v.string(), v.maxLength(1024)),
      device: v.optional(v.pipe(v.string(), v.maxLength(MAX_DEVICE))),
      code: v.optional(v.pipe(v.string(), v.maxLength(64))),
    }),
    reply: users.TokenPair,
    handle: async ({ body, header, call, deps }) => {
      const pair = await call(users.Login, { ...body, device: body.device ?? (header('user-agent') ?? 'unknown').slice(0, MAX_DEVICE) });
      // A sign-in that cancelled the account's deletion: its tokens work here once the withdrawal is read.
      if (pair.deletionCancelled) await deps.model.settle(() => !deps.model.isDeleting(pair.userId));
      return pair;
    },
  }),
  route({
    method: 'POST',
    path: '/v1/auth/refresh',
    summary: 'Trade a refresh token for a new pair (each refresh token works once)',
    tag,
    access: 'public',
    secret: true,
    limit: 'auth',
    service: 'users',
    body: v.strictObject({ refreshToken: v.pipe(v.string(), v.minLength(1), v.maxLength(200)) }),
    reply: users.TokenPair,
    handle: ({ body, call }) => call(users.Refresh, body),
  }),
  route({
    method: 'POST',
    path: '/v1/auth/logout',
    summary: 'Sign out: end this session, or every session with `everywhere: true`',
    tag,
    access: 'session',
    service: 'users',
    body: v.strictObject({ everywhere: v.optional(v.boolean(), false) }),
    reply: users.Logout.reply,
    handle: async ({ body, actor, call, deps }) => {
      const reply = await call(users.Logout, { actor, everywhere: body.everywhere });
      await deps.model.settle(() => deps.model.isRevoked(actor.sessionId!));
      return reply;
    },
  }),
];
