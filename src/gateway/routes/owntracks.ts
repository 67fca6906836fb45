/**
 * `POST /v1/owntracks`: the endpoint the OwnTracks app (Android, iOS) posts to in HTTP
 * mode, unchanged: HTTP Basic with the account's email and a Hearth app password (or a
 * Bearer token), the device from `X-Limit-D` / `?d=` (else the payload's topic). Every
 * well-formed message gets a 2xx — a phone treats anything else as poison (Android retries
 * it at the head of its queue, iOS shows an alert and deletes it) — and the answer is always
 * the friends the app should show. What happens to each message type, and why, is in
 * docs/api.md ("OwnTracks: what Hearth does with each message"):
 * - `location` (and a `transition` with a position) is recorded for every group the user
 *   shares with; stamped in the future, at the time it arrived (`clampedFrom` keeps the
 *   phone's stamp); extras like an iOS POI photo are dropped, the position kept;
 * - `waypoint`/`waypoints` are imported; `card`, `lwt`, `status`, unknown types and an
 *   empty body (a friend deleted on the phone) are accepted and ignored;
 * - `encrypted` is opened with the user's secret (`PUT /v1/me/owntracks`), handled as
 *   above and answered sealed with it; without a secret, or with another, it is held by
 *   the location service until the right one is set, and answered in the clear.
 * No per-user or per-IP limit here: per-device buckets (`gateway.owntracks_device_rate_per_minute`)
 * and a body limit of `OWNTRACKS_MAX_BODY` bytes instead.
 * After the friends (with their faces) come the `cmd`s waiting for the posting phone
 * ("locate now", pushed places: owntracks/commands.ts), each handed out once, sealed with
 * the rest when the post was.
 */
import * as v from 'valibot';
import { AppError } from '../../kit/index.ts';
import { location } from '../../contracts/index.ts';
import { deviceOf, drainHeld, friendsReply, ingest, parseOwnTracks, seal, unseal, type OwnTracksMessage } from '../owntracks/index.ts';
import type { RequestFn as Call } from '../upstream.ts';
import { phoneCommands } from '../owntracks/commands.ts';
import { friendFaces } from '../owntracks/faces.ts';
import { route } from '../route-spec.ts';

const Label = v.optional(v.pipe(v.string(), v.maxLength(200)));
const EMPTY = Symbol('empty body');
/**
 * The largest post: far above any real message (an iOS location with a full-size POI
 * photo, base64 inside base64 when encrypted, is a few MB to ~30 MB), yet bounded.
 */
export const OWNTRACKS_MAX_BODY = 64 * 1024 * 1024;
const Secret = v.pipe(v.string(), v.minLength(1, 'must not be empty (null removes it)'), v.maxLength(location.PHONE_KEY_MAX));

/** The OwnTracks routes: the app's post, and the user's encryption secret. */
export const owntracksRoutes = [
  route({
    method: 'POST',
    path: '/v1/owntracks',
    summary: 'The OwnTracks app\u2019s HTTP mode: post a location, waypoints or a card (or any of them encrypted); get the friends to show',
    tag: 'location',
    access: 'user',
    limit: 'phone',
    maxBodyBytes: OWNTRACKS_MAX_BODY,
    service: 'location',
    query: v.object({ u: Label, d: Label }),
    body: v.looseObject({ _type: v.string() }),
    // An empty body reads as {}: the app's "friend deleted" ping. Anything else must be an OwnTracks message.
    parseBody: (body) => (isEmptyObject(body) ? EMPTY : parseOwnTracks(body)),
    reply: v.union([v.array(v.looseObject({ _type: v.string() })), v.object({ _type: v.literal('encrypted'), data: v.string() })]),
    handle: async ({ actor, body, query, header, call, deps }) => {
      const headers = { get: (name: string) => header(name) ?? null };
      const sent = deviceOf({ headers, query: { u: query.u, d: query.d } }).device;
      deps.limiter.take('device', `${actor.userId}\0${sent}`);
      deps.limiter.take('phones', actor.userId);
      let secret: string | null = null;
      let phone = sent;
      if ((body as unknown) !== EMPTY) {
        const posted = body as unknown as OwnTracksMessage;
        let msg: OwnTracksMessage | null = posted;
        if (posted.kind === 'encrypted') {
          const { key, held } = await call(location.GetPhoneKey, { actor });
          msg = key === null ? null : unseal(posted.data, key);
          if (msg === null) await holdUnreadable(call, actor, sent, posted.data, key === null ? 'no_key' : 'wrong_key');
          else {
            secret = key;
            // Held messages left by a crash mid-drain go in behind this one.
            if (held > 0) void drainHeld(call, actor, key!, deps.log, false, held).catch((err: unknown) => deps.log.warn('draining held OwnTracks messages failed; the next post tries again', { userId: actor.userId, err }));
          }
        }
        if (msg) {
          const topic = 'topic' in msg && typeof msg.topic === 'string' ? msg.topic : undefined;
          phone = deviceOf({ headers, query: { u: query.u, d: query.d }, topic }).device;
          await ingest(call, actor, msg, phone);
        }
      }
      const { friends, coMembers } = await call(location.GetFriends, { actor });
      // Friends' faces on their cards; the commands waiting for this phone ("locate now", pushed places) after the friends.
      const [faces, commands] = await Promise.all([friendFaces(deps, call, actor, friends.map((f) => f.userId)), phoneCommands(call, actor, phone, deps.log)]);
      const reply: object[] = [...friendsReply(friends, { faces, coMembers }), ...commands];
      // Sealed only when the post was, with the secret that opened it: the apps open a sealed reply as they seal.
      return secret === null ? reply : { _type: 'encrypted', data: seal(JSON.stringify(reply), secret) };
    },
  }),
  route({
    method: 'GET',
    path: '/v1/me/owntracks',
    summary: 'Whether an OwnTracks encryption secret is set (never the secret), and how many encrypted messages wait for it',
    tag: 'me',
    access: 'session',
    service: 'location',
    reply: v.object({ encryptionKeySet: v.boolean(), heldMessages: v.number() }),
    handle: async ({ actor, call }) => {
      const { key, held } = await call(location.GetPhoneKey, { actor });
      return { encryptionKeySet: key !== null, heldMessages: held };
    },
  }),
  route({
    method: 'PUT',
    path: '/v1/me/owntracks',
    summary: 'Set (or, with null, remove) the secret the OwnTracks app encrypts with; held messages it opens are handled at once',
    tag: 'me',
    access: 'session',
    service: 'location',
    body: v.strictObject({ encryptionKey: v.nullable(Secret) }),
    reply: v.object({ encryptionKeySet: v.boolean(), processed: v.number(), heldMessages: v.number() }),
    handle: async ({ actor, body, call, deps }) => {
      await call(location.SetPhoneKey, { actor, key: body.encryptionKey });
      const drained = body.encryptionKey === null ? { processed: 0 } : await drainHeld(call, actor, body.encryptionKey, deps.log, true);
      const { held } = await call(location.GetPhoneKey, { actor });
      return { encryptionKeySet: body.encryptionKey !== null, processed: drained.processed, heldMessages: held };
    },
  }),
];

/**
 * Holds a message Hearth cannot read yet. Too big to hold (over the broker's message size),
 * or the user's hold is full: 503, so the phone keeps it and sends it again later (neither
 * app drops a message on a 5xx), by which time the secret may be set.
 */
async function holdUnreadable(call: Call, actor: { userId: string }, device: string, data: string, reason: 'no_key' | 'wrong_key') {
  if (data.length > location.HELD_DATA_MAX) {
    throw new AppError('unavailable', 'owntracks.too_large_to_hold', 'This encrypted message is too large to keep until its secret is set; set the secret and the phone\u2019s next try goes through', { retryAfterSeconds: 300 });
  }
  await call(location.HoldPhoneMessage, { actor: { userId: actor.userId }, device, data, reason });
}

function isEmptyObject(x: unknown): boolean {
  return x !== null && typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length === 0;
}
