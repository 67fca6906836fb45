/**
 * What the OwnTracks app POSTs in HTTP mode: one JSON object per request, the same payloads
 * it would publish over MQTT, told apart by `_type`
 * (https://owntracks.org/booklet/tech/json/, https://owntracks.org/booklet/tech/http/).
 * Required fields are strict: a position that is not a real position is refused. Optional
 * readings are lenient: one of the wrong type reads as absent, so a phone reporting junk
 * for, say, its battery still gets its position through. Unknown fields are dropped — an iOS
 * location's POI photo (`image`, base64, several MB) among them: the position is kept.
 */
import * as v from 'valibot';
import { location } from '../../contracts/index.ts';
import { check } from '../../kit/index.ts';

/** The error code of a payload this layer refuses. */
export const INVALID_PAYLOAD = 'owntracks.invalid_payload';

// 9999-12-31T23:59:59Z: the last second a Hearth time (4-digit year) can spell.
const MAX_TST = 253_402_300_799;
const Tst = v.pipe(v.number('must be a number'), v.finite('must be a number'), v.minValue(0, 'must be a UNIX time in seconds'), v.maxValue(MAX_TST, 'must be a UNIX time in seconds'));
// valibot reports a missing key with the object's message (the body is an object by then).
const REQUIRED = 'is required';
const Num = v.pipe(v.number(), v.finite());
/** An optional reading: of the wrong type, it reads as absent. */
const maybe = <T>(schema: v.GenericSchema<unknown, T>) => v.fallback(v.optional(schema), undefined);
const Str = maybe(v.string());
const StrList = maybe(v.array(v.string()));
// The booklet's own waypoint example sends `rad` and `tst` as strings ("50", "1385997757").
const Numeric = v.union([Num, v.pipe(v.string(), v.regex(/^-?\d+(\.\d+)?$/), v.transform(Number))]);

/** `_type=location`: where the device is (vel in km/h, bs 0 unknown · 1 unplugged · 2 charging · 3 full). */
export const LocationPayload = v.object({
  lat: location.Lat,
  lon: location.Lon,
  tst: Tst,
  acc: maybe(Num),
  alt: maybe(Num),
  vac: maybe(Num),
  vel: maybe(Num),
  cog: maybe(Num),
  batt: maybe(Num),
  bs: maybe(v.picklist([0, 1, 2, 3])),
  t: Str,
  tid: Str,
  topic: Str,
  conn: Str,
  SSID: Str,
  BSSID: Str,
  poi: Str,
  tag: Str,
  inregions: StrList,
  inrids: StrList,
  created_at: maybe(Num),
  m: maybe(Num),
}, REQUIRED);

/** `_type=transition`: the device entered or left a region, at `lat`/`lon` when it says where. */
export const TransitionPayload = v.object({
  tst: Tst,
  event: v.picklist(['enter', 'leave'], 'must be "enter" or "leave"'),
  lat: v.optional(location.Lat),
  lon: v.optional(location.Lon),
  acc: maybe(Num),
  wtst: maybe(Num),
  tid: Str,
  desc: Str,
  t: Str,
  rid: Str,
  topic: Str,
}, REQUIRED);

/** `_type=waypoint`: a region defined on the device (`rad` in metres; none or ≤ 0 for a beacon). */
export const WaypointPayload = v.object({
  desc: v.string('must be a string'),
  lat: v.optional(location.Lat),
  lon: v.optional(location.Lon),
  rad: maybe(Numeric),
  tst: maybe(Numeric),
  rid: Str,
  uuid: Str,
  major: maybe(Num),
  minor: maybe(Num),
}, REQUIRED);

/** `_type=waypoints`: every region of the device, exported at once. */
export const WaypointsPayload = v.object({ waypoints: v.array(WaypointPayload, 'must be an array of waypoints'), _creator: Str }, REQUIRED);
/** `_type=card`: a name and a face for a tracker id. */
export const CardPayload = v.object({ tid: Str, name: Str, face: Str, topic: Str });
/** `_type=lwt`: the broker's last will for a device (`tst`: when it first connected). */
export const LwtPayload = v.object({ tst: maybe(Num) });
const Details = maybe(v.record(v.string(), v.unknown()));
/** `_type=status`: device settings outside the app. */
export const StatusPayload = v.object({ iOS: Details, android: Details, _id: Str });
/** `_type=encrypted`: another message sealed with the user's secret (crypto.ts), base64 in `data`. */
export const EncryptedPayload = v.object({ data: v.pipe(v.string('must be a string'), v.nonEmpty('must not be empty')) }, REQUIRED);

const SCHEMAS = {
  location: LocationPayload,
  transition: TransitionPayload,
  waypoint: WaypointPayload,
  waypoints: WaypointsPayload,
  card: CardPayload,
  lwt: LwtPayload,
  status: StatusPayload,
  encrypted: EncryptedPayload,
} as const;
type Kind = keyof typeof SCHEMAS;

export type OwnTracksLocation = v.InferOutput<typeof LocationPayload>;
export type OwnTracksTransition = v.InferOutput<typeof TransitionPayload>;
export type OwnTracksWaypoint = v.InferOutput<typeof WaypointPayload>;
export type OwnTracksWaypoints = v.InferOutput<typeof WaypointsPayload>;
export type OwnTracksCard = v.InferOutput<typeof CardPayload>;
export type OwnTracksLwt = v.InferOutput<typeof LwtPayload>;
export type OwnTracksStatus = v.InferOutput<typeof StatusPayload>;
export type OwnTracksEncrypted = v.InferOutput<typeof EncryptedPayload>;

/** One message from the app, by `kind` (its `_type`); `ignored` for any other `_type`. */
export type OwnTracksMessage =
  | ({ kind: 'location' } & OwnTracksLocation)
  | ({ kind: 'transition' } & OwnTracksTransition)
  | ({ kind: 'waypoint' } & OwnTracksWaypoint)
  | ({ kind: 'waypoints' } & OwnTracksWaypoints)
  | ({ kind: 'card' } & OwnTracksCard)
  | ({ kind: 'lwt' } & OwnTracksLwt)
  | ({ kind: 'status' } & OwnTracksStatus)
  | ({ kind: 'encrypted' } & OwnTracksEncrypted)
  | { kind: 'ignored'; type: string };

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
// The app POSTs one message per request (booklet, tech/http), so an array is refused too.
const OneObject = v.pipe(
  v.unknown(),
  v.check(isObject, 'must be one JSON object (the app posts one message per request)'),
  v.object({ _type: v.string('must be a string') }, REQUIRED),
);

/**
 * Reads a parsed JSON body the app POSTed. Any `_type` this layer does not know (`cmd`,
 * `beacon`, `steps` …) reads as `ignored`, not as an error (the OwnTracks
 * Recorder, too, takes any `_type` and treats only the location-like ones as positions).
 * Throws a validation `AppError` (`owntracks.invalid_payload`, details `{ issues: [{ path,
 * message }] }` as the kit's `check`) for anything else that is not a message it can use.
 */
export function parseOwnTracks(body: unknown): OwnTracksMessage {
  const { _type } = check(OneObject, body, INVALID_PAYLOAD, 'OwnTracks message');
  // Own keys only: `_type: "constructor"` must not find Object's.
  if (!Object.hasOwn(SCHEMAS, _type)) return { kind: 'ignored', type: _type.slice(0, 64) };
  const kind = _type as Kind;
  const fields = check<object>(SCHEMAS[kind], body, INVALID_PAYLOAD, `OwnTracks ${kind}`);
  return { kind, ...fields } as OwnTracksMessage;
}
