/** `/v1/groups/:groupId/members*` and ownership transfer: who is in a group, and changing that. */
import * as v from 'valibot';
import { AppError } from '../../kit/index.ts';
import { membership, users } from '../../contracts/index.ts';
import { route } from '../route-spec.ts';
import { GroupParams, MemberParams } from './shapes.ts';

const tag = 'members';

/** The member routes. */
export const memberRoutes = [
  route({
    method: 'GET',
    path: '/v1/groups/:groupId/members',
    summary: 'The members of a group, with display names and roles',
    tag,
    access: 'user',
    service: 'users',
    params: GroupParams,
    group: { role: 'member' },
    reply: users.ListMembers.reply,
    handle: ({ actor, params, call }) => call(users.ListMembers, { actor, groupId: params.groupId }),
  }),
  route({
    method: 'DELETE',
    path: '/v1/groups/:groupId/members/:userId',
    summary: 'Remove a member (admin or owner; an admin removes members only)',
    tag,
    access: 'user',
    service: 'users',
    params: MemberParams,
    group: { role: 'admin', target: true },
    status: 204,
    handle: async ({ actor, params, call, deps }) => {
      await call(users.RemoveMember, { actor, ...params });
      await deps.model.settle(() => !deps.model.roleOf(params.groupId, params.userId));
    },
  }),
  route({
    method: 'PUT',
    path: '/v1/groups/:groupId/members/:userId/role',
    summary: "Change a member's role to admin or member (owner)",
    tag,
    access: 'user',
    service: 'users',
    params: MemberParams,
    group: { role: 'owner', target: true },
    body: v.strictObject({ role: v.picklist(['admin', 'member']) }),
    reply: users.Member,
    handle: async ({ actor, params, body, call, deps }) => {
      const member = await call(users.ChangeRole, { actor, ...params, role: body.role });
      await deps.model.settle(() => deps.model.roleOf(params.groupId, params.userId) === member.role);
      return member;
    },
  }),
  route({
    method: 'POST',
    path: '/v1/groups/:groupId/transfer',
    summary: 'Hand the group to another member (owner); I become an admin',
    tag,
    access: 'user',
    service: 'users',
    params: GroupParams,
    group: { role: 'owner' },
    body: v.strictObject({ userId: users.Id }),
    status: 204,
    handle: async ({ actor, params, body, call, deps }) => {
      if (!deps.model.roleOf(params.groupId, body.userId)) {
        throw new AppError('not_found', 'users.no_such_member', 'No such member in this group');
      }
      await call(users.TransferOwnership, { actor, groupId: params.groupId, userId: body.userId });
      await deps.model.settle(() => {
        const role = deps.model.roleOf(params.groupId, body.userId);
        return role !== undefined && membership.isOwner(role);
      });
    },
  }),
];
