/**
 * `/v1/groups*`: my groups, one group, rename, delete, leave. Group-scoped routes name the
 * role they need; the route runner checks it against the read model before anything is
 * sent on. After a change the answer waits (briefly) until the read model shows it, so the
 * caller's next request is authorised by the state it just created.
 */
import * as v from 'valibot';
import { membership, sagas, users } from '../../contracts/index.ts';
import { route } from '../route-spec.ts';
import { GroupParams } from './shapes.ts';

const tag = 'groups';

/** The group routes. */
export const groupRoutes = [
  route({
    method: 'POST',
    path: '/v1/groups',
    summary: 'Create a group (I become its owner)',
    tag,
    access: 'user',
    service: 'users',
    body: v.strictObject({ name: users.GroupName }),
    status: 201,
    reply: users.Group,
    handle: async ({ actor, body, call, deps }) => {
      const group = await call(users.CreateGroup, { actor, name: body.name });
      await deps.model.settle(() => !!deps.model.roleOf(group.id, actor.userId));
      return group;
    },
  }),
  route({
    method: 'GET',
    path: '/v1/groups',
    summary: 'My groups, with my role in each',
    tag,
    access: 'user',
    service: 'users',
    reply: users.ListGroups.reply,
    handle: ({ actor, call }) => call(users.ListGroups, { actor }),
  }),
  route({
    method: 'GET',
    path: '/v1/groups/:groupId',
    summary: 'One of my groups',
    tag,
    access: 'user',
    service: 'users',
    params: GroupParams,
    group: { role: 'member' },
    reply: users.Group,
    handle: async ({ actor, params, call }) => {
      const { groups } = await call(users.ListGroups, { actor });
      const group = groups.find((g) => g.id === params.groupId);
      if (!group) throw membership.notAMember();
      return group;
    },
  }),
  route({
    method: 'PATCH',
    path: '/v1/groups/:groupId',
    summary: 'Rename a group (admin or owner)',
    tag,
    access: 'user',
    service: 'users',
    params: GroupParams,
    group: { role: 'admin' },
    body: v.strictObject({ name: users.GroupName }),
    reply: users.Group,
    handle: ({ actor, params, body, call }) => call(users.RenameGroup, { actor, groupId: params.groupId, name: body.name }),
  }),
  route({
    method: 'DELETE',
    path: '/v1/groups/:groupId',
    summary: 'Delete a group (owner): starts its deletion, followed at /v1/groups/{groupId}/deletion',
    tag,
    access: 'user',
    service: 'users',
    params: GroupParams,
    group: { role: 'owner' },
    status: 202,
    reply: users.DeleteGroup.reply,
    handle: ({ actor, params, call }) => call(users.DeleteGroup, { actor, groupId: params.groupId }),
  }),
  route({
    method: 'GET',
    path: '/v1/groups/:groupId/deletion',
    summary: 'How far the deletion of a group I deleted has got (the owner who started it; also once the group is gone)',
    tag,
    access: 'user',
    service: 'users',
    params: GroupParams,
    reply: sagas.GroupDeletionView,
    handle: ({ actor, params, call }) => call(sagas.GetGroupDeletion, { actor, groupId: params.groupId }),
  }),
  route({
    method: 'POST',
    path: '/v1/groups/:groupId/leave',
    summary: 'Leave a group (an owner must transfer it first, or delete it)',
    tag,
    access: 'user',
    service: 'users',
    params: GroupParams,
    group: { role: 'member' },
    status: 204,
    handle: async ({ actor, params, call, deps }) => {
      await call(users.LeaveGroup, { actor, groupId: params.groupId });
      await deps.model.settle(() => !deps.model.roleOf(params.groupId, actor.userId));
    },
  }),
];
