/**
 * Invites: create, list and revoke a group's invites (admin or owner), preview one (anyone
 * holding the code: the `/join/<code>` page, before registering) and accept one.
 */
import * as v from 'valibot';
import { AppError } from '../../kit/index.ts';
import { users } from '../../contracts/index.ts';
import { route } from '../route-spec.ts';
import { GroupInviteParams, GroupParams, InviteParams, InviteWithUrl, inviteUrl } from './shapes.ts';

const tag = 'invites';

/** The invite routes. */
export const inviteRoutes = [
  route({
    method: 'POST',
    path: '/v1/groups/:groupId/invites',
    summary: 'Create an invite: a code and the link to share (default 7 days, 10 uses)',
    tag,
    access: 'user',
    service: 'users',
    params: GroupParams,
    group: { role: 'admin' },
    body: v.strictObject({
      expiresInSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(60), v.maxValue(30 * 86400))),
      maxUses: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000))),
    }),
    status: 201,
    reply: InviteWithUrl,
    handle: async ({ actor, params, body, call, deps }) => {
      const invite = await call(users.CreateInvite, { actor, groupId: params.groupId, ...body });
      return { ...invite, url: inviteUrl(deps.settings.publicUrl, invite.code) };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/groups/:groupId/invites',
    summary: "A group's invites (admin or owner)",
    tag,
    access: 'user',
    service: 'users',
    params: GroupParams,
    group: { role: 'admin' },
    reply: v.object({ invites: v.array(InviteWithUrl) }),
    handle: async ({ actor, params, call, deps }) => {
      const { invites } = await call(users.ListInvites, { actor, groupId: params.groupId });
      return { invites: invites.map((i) => ({ ...i, url: inviteUrl(deps.settings.publicUrl, i.code) })) };
    },
  }),
  route({
    method: 'DELETE',
    path: '/v1/groups/:groupId/invites/:code',
    summary: 'Revoke an invite (admin or owner)',
    tag,
    access: 'user',
    service: 'users',
    params: GroupInviteParams,
    group: { role: 'admin' },
    status: 204,
    handle: async ({ actor, params, call }) => {
      // The users service knows invites by code alone; the path's group must be the invite's.
      const { invites } = await call(users.ListInvites, { actor, groupId: params.groupId });
      if (!invites.some((i) => i.code === params.code)) throw new AppError('not_found', 'users.invite_invalid', 'No such invite');
      await call(users.RevokeInvite, { actor, code: params.code });
    },
  }),
  route({
    method: 'GET',
    path: '/v1/invites/:code',
    summary: "An invite's group and who made it, for whoever holds the code (no sign-in; strictly rate-limited, as the code is a secret)",
    tag,
    access: 'public',
    limit: 'auth',
    service: 'users',
    params: InviteParams,
    reply: users.InvitePreview,
    // no-store: whether the code still works changes with every use, and the answer is a secret's.
    handle: async ({ params, call }) => Response.json(await call(users.PreviewInvite, { code: params.code }), { headers: { 'cache-control': 'no-store' } }),
  }),
  route({
    method: 'POST',
    path: '/v1/invites/:code/accept',
    summary: "Join the invite's group",
    tag,
    access: 'user',
    service: 'users',
    params: InviteParams,
    reply: users.AcceptInvite.reply,
    handle: async ({ actor, params, call, deps }) => {
      const { groupId } = await call(users.AcceptInvite, { actor, code: params.code });
      await deps.model.settle(() => !!deps.model.roleOf(groupId, actor.userId));
      return { groupId };
    },
  }),
];
