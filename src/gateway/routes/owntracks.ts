/**
 * `POST /v1/owntracks`: the endpoint the OwnTracks app (Android, iOS) posts to in HTTP
 * mode, unchanged: HTTP Basic with the account's email and a Hearth app password (or a
 * Bearer token), the device from `X-Limit-D` / `?d=` (else the payload's topic). A
 * `location` (and a `transition` that carries a position) is recorded as a fix for every
 * group the user shares with; `waypoint`/`waypoints` are imported (places of the groups
 * the user administers, suggestions elsewhere); `card`, `lwt`, `status` and unknown types
 * are accepted and ignored, as the OwnTracks recorder does. The answer is always the
 * friends the app should show: a card and a location for everyone visible to the user.
 * An empty body (the app sends one when a friend is deleted on the phone) gets the same.
 * After the friends come the `cmd`s waiting for the posting phone ("locate now", pushed
 * places: owntracks/commands.ts), each handed out once.
 */
import * as v from 'valibot';
import { location } from '../../contracts/index.ts';
import { deviceOf, parseOwnTracks, toFix, toWaypoints, friendsReply, type OwnTracksMessage } from '../owntracks/index.ts';
import { phoneCommands } from '../owntracks/commands.ts';
import { friendFaces } from '../owntracks/faces.ts';
import { route } from '../route-spec.ts';

const Label = v.optional(v.pipe(v.string(), v.maxLength(200)));
const EMPTY = Symbol('empty body');

/** The OwnTracks route. */
export const owntracksRoutes = [
  route({
    method: 'POST',
    path: '/v1/owntracks',
    summary: 'The OwnTracks app\u2019s HTTP mode: post a location, waypoints or a card; get the friends to show',
    tag: 'location',
    access: 'user',
    service: 'location',
    query: v.object({ u: Label, d: Label }),
    body: v.looseObject({ _type: v.string() }),
    // An empty body reads as {}: the app's "friend deleted" ping. Anything else must be an OwnTracks message.
    parseBody: (body) => (isEmptyObject(body) ? EMPTY : parseOwnTracks(body)),
    reply: v.array(v.looseObject({ _type: v.string() })),
    handle: async ({ actor, body, query, header, call, deps }) => {
      if ((body as unknown) !== EMPTY) {
        const msg = body as unknown as OwnTracksMessage;
        const topic = 'topic' in msg && typeof msg.topic === 'string' ? msg.topic : undefined;
        const { device } = deviceOf({ headers: { get: (name) => header(name) ?? null }, query: { u: query.u, d: query.d }, topic });
        const fix = toFix(msg, device);
        if (fix) await call(location.RecordFixes, { actor, fixes: [fix], device });
        const waypoints = toWaypoints(msg);
        if (waypoints.length) await call(location.ImportWaypoints, { actor, waypoints });
      }
      const { friends, coMembers } = await call(location.GetFriends, { actor });
      // #16: friends' faces on their cards; commands waiting for this phone ("locate now", pushed places) after the friends.
      const bodyTopic = (body as unknown) !== EMPTY && 'topic' in body && typeof body.topic === 'string' ? body.topic : undefined;
      const phone = deviceOf({ headers: { get: (name) => header(name) ?? null }, query: { u: query.u, d: query.d }, topic: bodyTopic }).device;
      const [faces, commands] = await Promise.all([friendFaces(deps, call, actor, friends.map((f) => f.userId)), phoneCommands(call, actor, phone, deps.log)]);
      return [...friendsReply(friends, { faces, coMembers }), ...commands];
    },
  }),
];

function isEmptyObject(x: unknown): boolean {
  return x !== null && typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length === 0;
}
