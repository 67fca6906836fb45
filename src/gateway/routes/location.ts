/**
 * The location routes: fixes in (`POST /v1/locations`, one fix or a batch), sharing,
 * journeys and SOS per group, the live view with time travel, tracks and their exports,
 * places and suggestions, and erasing one's own history. The location service checks
 * membership again against its own read model; the route table checks it first here.
 */
import * as v from 'valibot';
import { AppError } from '../../kit/index.ts';
import { location, users } from '../../contracts/index.ts';
import { validate } from '../mount.ts';
import { route } from '../route-spec.ts';
import { GroupParams, MemberParams } from './shapes.ts';

const tag = 'location';
const service = 'location';
const Batch = v.strictObject({ fixes: v.pipe(v.array(location.Fix), v.minLength(1, 'must hold at least one fix'), v.maxLength(location.MAX_BATCH, `must hold at most ${location.MAX_BATCH} fixes`)) });
const PlaceParams = v.strictObject({ groupId: users.Id, placeId: users.Id });
const DAY_MS = 86_400_000;

/** The fixes of a body, and whether it was one fix rather than a batch. */
export interface LocationBody {
  fixes: location.Fix[];
  single: boolean;
}

/** One fix or `{fixes: […]}`, told apart by `fixes` so a bad batch gets errors about its fixes. */
export function parseLocationBody(body: unknown): LocationBody {
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && 'fixes' in body) return { fixes: validate(Batch, body, 'body').fixes, single: false };
  return { fixes: [validate(location.Fix, body, 'body')], single: true };
}

/**
 * Names the fields of a refusal the location service decided (it names them as its request
 * has them: `fixes.1.timestamp`, `at`) the way the client sent them (`body.fixes.1.timestamp`,
 * `query.at`).
 */
async function clientPaths<T>(answer: Promise<T>, rename: (path: string) => string): Promise<T> {
  try {
    return await answer;
  } catch (err) {
    if (!(err instanceof AppError) || err.kind !== 'validation') throw err;
    const issues = (err.details as { issues?: { path: string; message: string }[] } | undefined)?.issues;
    if (!issues) throw err;
    throw new AppError(err.kind, err.code, err.message, { ...(err.details as object), issues: issues.map((i) => ({ ...i, path: rename(i.path) })) });
  }
}

/** The location routes. */
export const locationRoutes = [
  route({
    method: 'POST',
    path: '/v1/locations',
    summary: 'Record one fix or a batch of fixes for every group I share with',
    tag,
    access: 'user',
    service,
    body: v.union([Batch, location.Fix]),
    parseBody: parseLocationBody,
    reply: location.RecordFixes.reply,
    handle: ({ actor, body, call }) => {
      const { fixes, single } = body as unknown as LocationBody;
      // One fix went to the service as a batch of one; the client sent no `fixes`.
      return clientPaths(call(location.RecordFixes, { actor, fixes }), (p) => (single ? p.replace(/^fixes\.0\./, 'body.') : `body.${p}`));
    },
  }),
  route({
    method: 'GET',
    path: '/v1/groups/:groupId/live',
    summary: 'Where everyone is now, or was at `at` (time travel)',
    tag,
    access: 'user',
    service,
    params: GroupParams,
    query: v.object({ at: v.optional(location.IsoTime) }),
    group: { role: 'member' },
    reply: location.LiveView,
    handle: ({ actor, params, query, call }) =>
      clientPaths(call(location.GetLive, { actor, groupId: params.groupId, ...(query.at ? { at: query.at } : {}) }), (p) => `query.${p}`),
  }),
  route({
    method: 'GET',
    path: '/v1/groups/:groupId/members/:userId/track',
    summary: 'A member\u2019s track (default: the last 24 hours) as JSON, GPX 1.1 or GeoJSON',
    tag,
    access: 'user',
    service,
    params: MemberParams,
    query: v.object({
      from: v.optional(location.IsoTime),
      to: v.optional(location.IsoTime),
      format: v.optional(v.picklist(['json', 'gpx', 'geojson']), 'json'),
      limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,5}$/, 'must be a whole number'), v.transform(Number), v.minValue(2), v.maxValue(10_000))),
    }),
    group: { role: 'member', target: true },
    reply: location.GetTrack.reply,
    handle: async ({ actor, params, query, call, deps }) => {
      const to = query.to ?? new Date(deps.now()).toISOString();
      const from = query.from ?? new Date(Date.parse(to) - DAY_MS).toISOString();
      const range = { actor, groupId: params.groupId, userId: params.userId, from, to };
      if (query.format === 'json') return clientPaths(call(location.GetTrack, { ...range, ...(query.limit ? { limit: query.limit } : {}) }), (p) => `query.${p}`);
      const file = await clientPaths(call(location.ExportTrack, { ...range, format: query.format }), (p) => `query.${p}`);
      return new Response(file.body, {
        headers: { 'content-type': `${file.contentType}; charset=utf-8`, 'content-disposition': `attachment; filename="${file.filename}"` },
      });
    },
  }),
  ...scopeAction('sharing', 'POST', 'Start (resume) sharing my location with the group', location.StartSharing),
  ...scopeAction('sharing', 'DELETE', 'Pause sharing with the group: it sees nothing of me until I start again', location.PauseSharing),
  route({
    method: 'POST',
    path: '/v1/groups/:groupId/journey',
    summary: 'Start a journey the group can follow',
    tag,
    access: 'user',
    service,
    params: GroupParams,
    group: { role: 'member' },
    body: v.strictObject({ mode: location.Mode, destination: location.Destination, expectedArrival: location.IsoTime }),
    status: 201,
    reply: location.MemberView,
    handle: ({ actor, params, body, call }) => clientPaths(call(location.StartJourney, { actor, groupId: params.groupId, ...body }), (p) => `body.${p}`),
  }),
  ...scopeAction('journey', 'DELETE', 'Stop my journey without arriving', location.StopJourney),
  route({
    method: 'POST',
    path: '/v1/groups/:groupId/sos',
    summary: 'Raise an SOS (at the given position, else my last fix)',
    tag,
    access: 'user',
    service,
    params: GroupParams,
    group: { role: 'member' },
    body: v.strictObject({ lat: v.optional(location.Lat), lon: v.optional(location.Lon) }),
    status: 201,
    reply: location.MemberView,
    handle: ({ actor, params, body, call }) => call(location.RaiseSos, { actor, groupId: params.groupId, ...body }),
  }),
  ...scopeAction('sos', 'DELETE', 'Clear my SOS', location.ClearSos),
  route({
    method: 'GET',
    path: '/v1/groups/:groupId/places',
    summary: 'The group\u2019s places',
    tag,
    access: 'user',
    service,
    params: GroupParams,
    group: { role: 'member' },
    reply: location.ListPlaces.reply,
    handle: ({ actor, params, call }) => call(location.ListPlaces, { actor, groupId: params.groupId }),
  }),
  route({
    method: 'POST',
    path: '/v1/groups/:groupId/places',
    summary: 'Add a place (admin or owner)',
    tag,
    access: 'user',
    service,
    params: GroupParams,
    group: { role: 'admin' },
    body: v.strictObject({ name: location.PlaceName, lat: location.Lat, lon: location.Lon, radius: location.Radius }),
    status: 201,
    reply: location.Place,
    handle: ({ actor, params, body, call }) => call(location.CreatePlace, { actor, groupId: params.groupId, ...body }),
  }),
  route({
    method: 'PATCH',
    path: '/v1/groups/:groupId/places/:placeId',
    summary: 'Change a place (admin or owner)',
    tag,
    access: 'user',
    service,
    params: PlaceParams,
    group: { role: 'admin' },
    body: v.strictObject({ name: v.optional(location.PlaceName), lat: v.optional(location.Lat), lon: v.optional(location.Lon), radius: v.optional(location.Radius) }),
    reply: location.Place,
    handle: ({ actor, params, body, call }) => call(location.UpdatePlace, { actor, groupId: params.groupId, placeId: params.placeId, ...body }),
  }),
  route({
    method: 'DELETE',
    path: '/v1/groups/:groupId/places/:placeId',
    summary: 'Remove a place (admin or owner)',
    tag,
    access: 'user',
    service,
    params: PlaceParams,
    group: { role: 'admin' },
    status: 204,
    handle: ({ actor, params, call }) => call(location.DeletePlace, { actor, groupId: params.groupId, placeId: params.placeId }),
  }),
  route({
    method: 'GET',
    path: '/v1/groups/:groupId/place-suggestions',
    summary: 'Places proposed from members\u2019 phones (admins see everyone\u2019s, members their own)',
    tag,
    access: 'user',
    service,
    params: GroupParams,
    group: { role: 'member' },
    reply: location.ListSuggestions.reply,
    handle: ({ actor, params, call }) => call(location.ListSuggestions, { actor, groupId: params.groupId }),
  }),
  route({
    method: 'DELETE',
    path: '/v1/me/location-history',
    summary: 'Erase my location history (in one group with ?groupId=, else everywhere)',
    tag,
    access: 'user',
    service,
    query: v.object({ groupId: v.optional(users.Id) }),
    reply: location.EraseHistory.reply,
    handle: ({ actor, query, call }) => call(location.EraseHistory, { actor, ...(query.groupId ? { groupId: query.groupId } : {}) }),
  }),
];

/** A body-less action of the member on their own scope (`/v1/groups/:groupId/<what>`). */
function scopeAction(what: string, method: 'POST' | 'DELETE', summary: string, op: typeof location.StartSharing) {
  return [
    route({
      method,
      path: `/v1/groups/:groupId/${what}`,
      summary,
      tag,
      access: 'user',
      service,
      params: GroupParams,
      group: { role: 'member' },
      reply: location.MemberView,
      handle: ({ actor, params, call }) => call(op, { actor, groupId: params.groupId }),
    }),
  ];
}
