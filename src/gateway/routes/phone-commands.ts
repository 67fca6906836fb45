/**
 * Commands for members' phones (OwnTracks `cmd`, handed to a phone with the answer to its
 * next post: docs/api.md, "OwnTracks: commands"): "locate now" — any member may ask about any
 * member of the same group — and pushing the group's places to every member's phones, which
 * only its owner and admins may do. Both answer 202: the phone acts when it next posts.
 */
import { location } from '../../contracts/index.ts';
import { route } from '../route-spec.ts';
import { GroupParams, MemberParams } from './shapes.ts';

const tag = 'location';
const service = 'location';

/** The phone-command routes. */
export const phoneCommandRoutes = [
  route({
    method: 'POST',
    path: '/v1/groups/:groupId/members/:userId/locate',
    summary: 'Locate now: ask a member\u2019s phones to report their position (with their next post in HTTP mode)',
    tag,
    access: 'user',
    service,
    params: MemberParams,
    group: { role: 'member', target: true },
    status: 202,
    reply: location.LocateMember.reply,
    handle: ({ actor, params, call }) => call(location.LocateMember, { actor, groupId: params.groupId, userId: params.userId }),
  }),
  route({
    method: 'POST',
    path: '/v1/groups/:groupId/places/push',
    summary: 'Send the group\u2019s places to every member\u2019s phone as OwnTracks waypoints (owner and admins)',
    tag,
    access: 'user',
    service,
    params: GroupParams,
    group: { role: 'admin' },
    status: 202,
    reply: location.PushPlaces.reply,
    handle: ({ actor, params, call }) => call(location.PushPlaces, { actor, groupId: params.groupId }),
  }),
];
