/**
 * OwnTracks messages as Hearth commands: positions as `Fix`es for `RecordFixes`, regions as
 * waypoints for `ImportWaypoints`. Units change on the way (km/h → m/s, epoch seconds → ISO
 * time, `bs` codes → battery states). An optional reading outside what a Hearth `Fix`
 * allows (the app may send `batt: -1`, booklet tech/lua) is left out rather than costing
 * the position: the contract's own schema decides, so the ranges live in one place.
 */
import * as v from 'valibot';
import { location } from '../../contracts/index.ts';
import { check } from '../../kit/index.ts';
import { DEFAULT_DEVICE, sanitiseLabel } from './device.ts';
import { INVALID_PAYLOAD, type OwnTracksMessage, type OwnTracksWaypoint } from './payload.ts';

type Fix = location.Fix;
/** A waypoint as `ImportWaypoints` takes it. */
export type HearthWaypoint = { name: string; lat: number; lon: number; radius: number };

/** `bs` as the booklet numbers it: 0 unknown, 1 unplugged, 2 charging, 3 full. */
export const BATTERY_STATES = ['unknown', 'unplugged', 'charging', 'full'] as const;
/** At most this many waypoints in one `ImportWaypoints` (the contract's limit). */
export const WAYPOINTS_MAX = 200;
/** A place's radius in Hearth, metres. */
export const RADIUS_MIN = 10;
export const RADIUS_MAX = 50_000;
const NAME_MAX = 80;

/** Drops the optional fields the contract refuses (lat, lon and timestamp were checked on parsing). */
function keepValid(fix: Fix): Fix {
  const r = v.safeParse(location.Fix, fix);
  if (r.success) return r.output;
  const out: Record<string, unknown> = { ...fix };
  for (const issue of r.issues) delete out[String(issue.path?.[0]?.key)];
  return check(location.Fix, out, INVALID_PAYLOAD, 'OwnTracks position');
}

/**
 * The position a message carries, as a Hearth fix from `device`; `null` when it carries
 * none. A `transition` with `lat`/`lon` counts: they are where the phone was at `tst`
 * (booklet: "Latitude at which the event occurred"), a real fix like any other; the
 * enter/leave itself is not forwarded — Hearth works out its own places from positions.
 * iOS sends a `location` with the same `tst` alongside, which `RecordFixes` skips as a
 * duplicate (same device, same fix time).
 */
export function toFix(msg: OwnTracksMessage, device: string): Fix | null {
  if (msg.kind !== 'location' && msg.kind !== 'transition') return null;
  if (msg.lat === undefined || msg.lon === undefined) return null;
  const fix: Fix = { lat: msg.lat, lon: msg.lon, timestamp: new Date(msg.tst * 1000).toISOString(), device: sanitiseLabel(device) ?? DEFAULT_DEVICE };
  if (msg.acc !== undefined) fix.accuracy = msg.acc;
  if (msg.kind === 'location') {
    if (msg.alt !== undefined) fix.altitude = msg.alt;
    if (msg.vel !== undefined) fix.speed = (msg.vel * 1000) / 3600; // km/h → m/s, exact for whole km/h
    if (msg.cog !== undefined) fix.course = msg.cog;
    if (msg.batt !== undefined) fix.battery = Math.round(msg.batt);
    if (msg.bs !== undefined) fix.batteryState = BATTERY_STATES[msg.bs];
  }
  return keepValid(fix);
}

function toWaypoint(w: OwnTracksWaypoint): HearthWaypoint | null {
  // No coordinates or no positive radius: a beacon region (booklet, features/beacons), no place.
  if (w.lat === undefined || w.lon === undefined || w.rad === undefined || !(w.rad > 0)) return null;
  const name = [...w.desc.trim()].slice(0, NAME_MAX).join('').trim();
  if (name === '') return null;
  return { name, lat: w.lat, lon: w.lon, radius: Math.min(RADIUS_MAX, Math.max(RADIUS_MIN, w.rad)) };
}

/**
 * The regions of a `waypoint` or `waypoints` message as Hearth waypoints (`desc` → name,
 * `rad` → radius); `[]` for any other message. Beacon regions are skipped, a radius is
 * clamped into Hearth's 10–50 000 m (a phone's 5 m circle becomes 10 m rather than being
 * lost), names are cut to 80 characters, a name given twice keeps its last region (as
 * `ImportWaypoints` would), and at most the first 200 are kept. The waypoint's `tst` has
 * no place in Hearth and is dropped.
 */
export function toWaypoints(msg: OwnTracksMessage): HearthWaypoint[] {
  const list = msg.kind === 'waypoint' ? [msg] : msg.kind === 'waypoints' ? msg.waypoints : [];
  const byName = new Map<string, HearthWaypoint>();
  for (const w of list) {
    const wp = toWaypoint(w);
    if (!wp) continue;
    byName.delete(wp.name); // the last one wins and takes the last place in order
    byName.set(wp.name, wp);
  }
  return [...byName.values()].slice(0, WAYPOINTS_MAX);
}
