/**
 * The location service's messages: fixes in, sharing, journeys, SOS and places as
 * commands, the live view, tracks, time travel and exports as queries (`svc.location.<op>`),
 * and the events of each member's scope in a group (`evt.location.<type>`). An event type's
 * first word is what a client sees it as on the stream: `location`, `state`, `journey`,
 * `sos` or `place`. Every scope event carries `groupId`, `userId` and `state`, the member's
 * state in that group once the event is applied.
 */
import * as v from 'valibot';
import { command, event, query } from '../kit/index.ts';
import { Actor, Id, noNul } from './users.ts';

const S = 'location';

// ── shared shapes ──────────────────────────────────────────────────────────────────────

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
/** An ISO 8601 date-time with a zone (`2026-11-24T08:15:00Z`, `…+01:00`). */
export const IsoTime = v.pipe(
  v.string(),
  v.maxLength(40),
  v.regex(ISO_TIME, 'must be an ISO 8601 date-time with a time zone'),
  v.check((s) => Number.isFinite(Date.parse(s)), 'must be a real date-time'),
);
/** Latitude in degrees, −90…90. */
export const Lat = v.pipe(v.number('must be a number'), v.finite(), v.minValue(-90, 'must be between -90 and 90'), v.maxValue(90, 'must be between -90 and 90'));
/** Longitude in degrees, −180…180. */
export const Lon = v.pipe(v.number('must be a number'), v.finite(), v.minValue(-180, 'must be between -180 and 180'), v.maxValue(180, 'must be between -180 and 180'));
const between = (min: number, max: number, unit: string) =>
  v.pipe(v.number('must be a number'), v.finite(), v.minValue(min, `must be ${min}–${max} ${unit}`), v.maxValue(max, `must be ${min}–${max} ${unit}`));

/** How a phone's battery is doing. */
export const BatteryState = v.picklist(['unknown', 'unplugged', 'charging', 'full']);
export type BatteryState = v.InferOutput<typeof BatteryState>;
/** A device label: what the member calls the phone that sent a fix. */
export const Device = v.pipe(v.string(), v.regex(/^[\w.@:-]{1,64}$/, 'must be 1–64 letters, digits or ._@:-'));

/** One position fix as a client sends it (speed in m/s, course in degrees from north). */
export const Fix = v.strictObject({
  lat: Lat,
  lon: Lon,
  timestamp: IsoTime,
  accuracy: v.optional(between(0, 100_000, 'metres')),
  altitude: v.optional(between(-12_000, 100_000, 'metres')),
  speed: v.optional(between(0, 1_000, 'm/s')),
  course: v.optional(between(0, 360, 'degrees')),
  battery: v.optional(v.pipe(v.number(), v.integer('must be a whole percentage'), v.minValue(0), v.maxValue(100))),
  batteryState: v.optional(BatteryState),
  device: v.optional(Device),
});
export type Fix = v.InferOutput<typeof Fix>;
/** At most this many fixes in one request. */
export const MAX_BATCH = 1000;

/** A member's state in one group (the state machine of docs/location.md). */
export const Status = v.picklist(['active', 'inactive', 'sos', 'routing', 'warning']);
export type Status = v.InferOutput<typeof Status>;

/** A stored fix, as events and views carry it. */
export const Sample = v.object({
  lat: v.number(),
  lon: v.number(),
  accuracy: v.nullable(v.number()),
  altitude: v.nullable(v.number()),
  speed: v.nullable(v.number()),
  course: v.nullable(v.number()),
  battery: v.nullable(v.number()),
  batteryState: v.nullable(BatteryState),
  device: v.string(),
  /** When the phone took the fix. */
  fixAt: v.string(),
  /** When Hearth received it. */
  receivedAt: v.string(),
  /** The phone's own stamp, when it was too far ahead of Hearth's clock and `fixAt` was clamped to `receivedAt` (OwnTracks only). */
  clampedFrom: v.optional(v.string()),
});
export type Sample = v.InferOutput<typeof Sample>;

export const Mode = v.picklist(['driving', 'walking', 'cycling']);
export type Mode = v.InferOutput<typeof Mode>;
/** A named position. */
export const Destination = v.object({ name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(120), noNul), lat: Lat, lon: Lon });
export type Destination = v.InferOutput<typeof Destination>;

/** A journey under way. */
export const Journey = v.object({
  mode: Mode,
  destination: Destination,
  expectedArrival: v.string(),
  startedAt: v.string(),
  late: v.boolean(),
  stuck: v.boolean(),
});
export type Journey = v.InferOutput<typeof Journey>;

/** An SOS under way. */
export const Sos = v.object({ at: v.string(), lat: v.nullable(v.number()), lon: v.nullable(v.number()) });

export const PlaceName = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(80), noNul);
/** A place's radius in metres. */
export const Radius = v.pipe(v.number('must be a number'), v.finite(), v.minValue(10, 'must be 10–50000 metres'), v.maxValue(50_000, 'must be 10–50000 metres'));
/** A group's named circle. */
export const Place = v.object({ id: Id, groupId: Id, name: v.string(), lat: v.number(), lon: v.number(), radius: v.number(), createdBy: Id, createdAt: v.string() });
export type Place = v.InferOutput<typeof Place>;
/** A place a member proposed (from their phone's waypoints); admins may adopt it. */
export const Suggestion = v.object({ id: Id, userId: Id, name: v.string(), lat: v.number(), lon: v.number(), radius: v.number(), createdAt: v.string() });

/** One member as the group sees them (position fields only while they share). */
export const MemberView = v.object({
  userId: Id,
  displayName: v.string(),
  sharing: v.boolean(),
  state: v.nullable(Status),
  lastFix: v.nullable(Sample),
  lastSeen: v.nullable(v.string()),
  journey: v.nullable(Journey),
  sos: v.nullable(Sos),
  /** Ids of the group's places the member is in. */
  places: v.array(Id),
});
export type MemberView = v.InferOutput<typeof MemberView>;
export const LiveView = v.object({ groupId: Id, at: v.string(), members: v.array(MemberView) });

/** A point of a track. */
export const TrackPoint = v.object({ lat: v.number(), lon: v.number(), at: v.string(), accuracy: v.nullable(v.number()), altitude: v.nullable(v.number()), speed: v.nullable(v.number()) });
export type TrackPoint = v.InferOutput<typeof TrackPoint>;

const Ok = v.object({});
const GroupScoped = { actor: Actor, groupId: Id };
const Limit = (max: number, dflt: number) => v.optional(v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(max)), dflt);

// ── commands ───────────────────────────────────────────────────────────────────────────

/**
 * Records fixes (oldest to newest in any order) for every group the actor shares with; a fix already recorded for (device, fix time) is skipped.
 * A fix stamped more than `location.max_future_s` ahead fails the batch, unless `clampFuture`: then it is recorded at the time it was received, its stamp kept as `clampedFrom`.
 */
export const RecordFixes = command(S, 'record_fixes', {
  version: 1,
  request: v.strictObject({
    actor: Actor,
    fixes: v.pipe(v.array(Fix), v.minLength(1, 'must hold at least one fix'), v.maxLength(MAX_BATCH, `must hold at most ${MAX_BATCH} fixes`)),
    device: v.optional(Device),
    clampFuture: v.optional(v.boolean()),
  }),
  reply: v.object({ accepted: v.number(), duplicates: v.number(), expired: v.number(), groups: v.array(Id) }),
  // Phones post all at once: the gateway's concurrent posts travel together and share a transaction.
  batched: true,
});

/** Starts (resumes) sharing with a group. */
export const StartSharing = command(S, 'start_sharing', { version: 1, request: v.strictObject(GroupScoped), reply: MemberView });
/** Pauses sharing with a group: the group sees nothing of the actor until they start again. */
export const PauseSharing = command(S, 'pause_sharing', { version: 1, request: v.strictObject(GroupScoped), reply: MemberView });

/** Starts a journey the group can follow. */
export const StartJourney = command(S, 'start_journey', {
  version: 1,
  request: v.strictObject({ ...GroupScoped, mode: Mode, destination: Destination, expectedArrival: IsoTime }),
  reply: MemberView,
});
/** Ends the actor's journey without arriving. */
export const StopJourney = command(S, 'stop_journey', { version: 1, request: v.strictObject(GroupScoped), reply: MemberView });

/** Raises an SOS in a group (at the given position, else the last fix). */
export const RaiseSos = command(S, 'raise_sos', { version: 1, request: v.strictObject({ ...GroupScoped, lat: v.optional(Lat), lon: v.optional(Lon) }), reply: MemberView });
/** Clears the actor's SOS. */
export const ClearSos = command(S, 'clear_sos', { version: 1, request: v.strictObject(GroupScoped), reply: MemberView });

/** Adds a place to a group (admins). */
export const CreatePlace = command(S, 'create_place', {
  version: 1,
  request: v.strictObject({ ...GroupScoped, name: PlaceName, lat: Lat, lon: Lon, radius: Radius }),
  reply: Place,
});
/** Changes a place (admins). */
export const UpdatePlace = command(S, 'update_place', {
  version: 1,
  request: v.strictObject({ ...GroupScoped, placeId: Id, name: v.optional(PlaceName), lat: v.optional(Lat), lon: v.optional(Lon), radius: v.optional(Radius) }),
  reply: Place,
});
/** Removes a place (admins). */
export const DeletePlace = command(S, 'delete_place', { version: 1, request: v.strictObject({ ...GroupScoped, placeId: Id }), reply: Ok });

/** Imports waypoints from a phone: places of the groups the actor administers, suggestions elsewhere. A waypoint already imported (same name) is replaced. */
export const ImportWaypoints = command(S, 'import_waypoints', {
  version: 1,
  request: v.strictObject({
    actor: Actor,
    waypoints: v.pipe(v.array(v.strictObject({ name: PlaceName, lat: Lat, lon: Lon, radius: Radius })), v.maxLength(200)),
  }),
  reply: v.object({ places: v.number(), suggestions: v.number() }),
});

/** Erases the actor's history (one group, or every group): tracks, past positions and the live position. */
export const EraseHistory = command(S, 'erase_history', { version: 1, request: v.strictObject({ actor: Actor, groupId: v.optional(Id) }), reply: v.object({ erased: v.number() }) });

// ── queries ────────────────────────────────────────────────────────────────────────────

/** The group as it is now, or as it was at `at` (time travel). */
export const GetLive = query(S, 'live', { version: 1, request: v.strictObject({ ...GroupScoped, at: v.optional(IsoTime) }), reply: LiveView });
/** A member's track between two instants, downsampled to at most `limit` points, with the distance travelled. */
export const GetTrack = query(S, 'track', {
  version: 1,
  request: v.strictObject({ ...GroupScoped, userId: Id, from: IsoTime, to: IsoTime, limit: Limit(10_000, 1000) }),
  reply: v.object({ groupId: Id, userId: Id, from: v.string(), to: v.string(), points: v.array(TrackPoint), total: v.number(), distanceM: v.number() }),
});
/** The same track as a file: GPX 1.1 or GeoJSON. */
export const ExportTrack = query(S, 'export_track', {
  version: 1,
  request: v.strictObject({ ...GroupScoped, userId: Id, from: IsoTime, to: IsoTime, format: v.picklist(['gpx', 'geojson']) }),
  reply: v.object({ contentType: v.string(), filename: v.string(), body: v.string() }),
});
/** A group's places. */
export const ListPlaces = query(S, 'places', { version: 1, request: v.strictObject(GroupScoped), reply: v.object({ places: v.array(Place) }) });
/** Places members proposed for a group (admins see everyone's, members their own). */
export const ListSuggestions = query(S, 'suggestions', { version: 1, request: v.strictObject(GroupScoped), reply: v.object({ suggestions: v.array(Suggestion) }) });
/** Everyone the actor can see in any group, once each (the newest fix wins): what OwnTracks shows as friends. */
export const GetFriends = query(S, 'friends', {
  version: 1,
  request: v.strictObject({ actor: Actor }),
  reply: v.object({
    friends: v.array(v.object({ userId: Id, displayName: v.string(), lastFix: Sample })),
    /** Everyone else the actor shares a group with, shown or not (for stable tids); absent from older services. */
    coMembers: v.optional(v.array(v.object({ userId: Id, displayName: v.string() }))),
  }),
});

// ── phone commands (OwnTracks `cmd`) ─────────────────────────────────────────────────

/** One OwnTracks `cmd` object, as the app reads it from a reply (`{"_type":"cmd","action":…}`). */
export const PhoneCommand = v.looseObject({ _type: v.literal('cmd'), action: v.string() });
export type PhoneCommand = v.InferOutput<typeof PhoneCommand>;

/**
 * "Locate now": asks `userId`'s phones to report at once (OwnTracks `reportLocation`, taken by
 * each phone once, with its next post). Any member of the group may ask about a member who
 * shares with it (else `location.member_not_sharing`); a few asks per asker and member within
 * a window (`location.locate_too_often` beyond). `devices`: the phones known
 * to get it now (a phone that never posted gets it with its first post, while it is fresh).
 */
export const LocateMember = command(S, 'locate_member', {
  version: 1,
  request: v.strictObject({ ...GroupScoped, userId: Id }),
  reply: v.object({ devices: v.number(), expiresAt: v.string() }),
});
/** Sends the group's places to every member's phones as OwnTracks waypoints (`setWaypoints`); admins only. */
export const PushPlaces = command(S, 'push_places', {
  version: 1,
  request: v.strictObject(GroupScoped),
  reply: v.object({ places: v.number(), members: v.number() }),
});
/**
 * The commands waiting for the actor's phone `device`, each an OwnTracks `cmd` object, marked
 * delivered as they are taken (a second call answers none of them again). The OwnTracks route
 * appends them to its reply.
 *
 * @example
 * const { commands } = await call(location.TakePhoneCommands, { actor, device: 'iphone' }); // [{ _type: 'cmd', action: 'reportLocation' }]
 */
export const TakePhoneCommands = command(S, 'take_phone_commands', {
  version: 1,
  request: v.strictObject({ actor: Actor, device: Device }),
  reply: v.object({ commands: v.array(PhoneCommand) }),
});

// ── events ─────────────────────────────────────────────────────────────────────────────

const Scope = { groupId: Id, userId: Id, state: Status };
const scoped = <E extends v.ObjectEntries>(entries: E) => v.object({ ...Scope, ...entries });

export const LocationSampled = event(S, 'location.sampled', { version: 1, data: scoped({ fix: Sample }) });
export const SharingStarted = event(S, 'state.sharing_started', { version: 1, data: scoped({}) });
export const SharingPaused = event(S, 'state.sharing_paused', { version: 1, data: scoped({}) });
/** No fix came in time: the member is no longer reporting. */
export const WentOffline = event(S, 'state.went_offline', { version: 1, data: scoped({ lastSeen: v.nullable(v.string()) }) });
/** The member erased their history in this group (tracks and positions are gone). */
export const HistoryErased = event(S, 'state.history_erased', { version: 1, data: scoped({}) });
export const RoutingStarted = event(S, 'journey.routing_started', { version: 1, data: scoped({ mode: Mode, destination: Destination, expectedArrival: v.string() }) });
export const RoutingStopped = event(S, 'journey.routing_stopped', { version: 1, data: scoped({}) });
export const DestinationReached = event(S, 'journey.destination_reached', { version: 1, data: scoped({ destination: Destination }) });
export const StuckAlertRaised = event(S, 'journey.stuck_alert_raised', { version: 1, data: scoped({ lat: v.number(), lon: v.number(), since: v.string() }) });
export const StuckAlertCleared = event(S, 'journey.stuck_alert_cleared', { version: 1, data: scoped({}) });
export const LateAlertRaised = event(S, 'journey.late_alert_raised', { version: 1, data: scoped({ expectedArrival: v.string() }) });
export const SosRaised = event(S, 'sos.raised', { version: 1, data: scoped({ lat: v.nullable(v.number()), lon: v.nullable(v.number()) }) });
export const SosCleared = event(S, 'sos.cleared', { version: 1, data: scoped({}) });
export const PlaceEntered = event(S, 'place.entered', { version: 1, data: scoped({ placeId: Id, name: v.string() }) });
export const PlaceLeft = event(S, 'place.left', { version: 1, data: scoped({ placeId: Id, name: v.string() }) });

/** A group's places changed (stream `places:<groupId>`). */
export const PlaceAdded = event(S, 'place.added', { version: 1, data: v.object({ place: Place }) });
export const PlaceUpdated = event(S, 'place.updated', { version: 1, data: v.object({ place: Place }) });
export const PlaceRemoved = event(S, 'place.removed', { version: 1, data: v.object({ groupId: Id, placeId: Id }) });
/** A member proposed a place (stream `suggestions:<userId>`). */
export const PlaceSuggested = event(S, 'place.suggested', { version: 1, data: v.object({ suggestion: Suggestion }) });


/** Every event of a member's scope, by type. */
export const scopeEvents = {
  LocationSampled,
  SharingStarted,
  SharingPaused,
  WentOffline,
  HistoryErased,
  RoutingStarted,
  RoutingStopped,
  DestinationReached,
  StuckAlertRaised,
  StuckAlertCleared,
  LateAlertRaised,
  SosRaised,
  SosCleared,
  PlaceEntered,
  PlaceLeft,
} as const;

// The phones' secret and the messages held until it is set: their own file, one concept.
export * from './location-phones.ts';
