/**
 * Commands for members' phones, as the OwnTracks apps read them from the answer to their
 * next post (HTTP mode has no other way in): `reportLocation` ("locate now") and
 * `setWaypoints` (the group's places). Pure: the shapes, the bounds, and which of a phone's
 * pending commands it gets. Storage is in command-store.ts.
 *
 * What the apps do with them (owntracks/android MessageProcessor, owntracks/ios
 * OwnTracksAppDelegate): both act only when remote commands are allowed (Android's `cmd`,
 * on by default; iOS's `cmd`, and for `setWaypoints` "allow remote configuration"); iOS
 * reports on `reportLocation` only in significant or move monitoring. A waypoint is matched
 * to the one the phone has by `tst` on Android (a unique column, replaced on conflict) and by
 * `rid` on iOS (else a rid made of tst and name), so both stay the same for a place from one
 * push to the next and a re-push replaces rather than duplicates. Android reads `rad` as an
 * integer.
 */
import type { location } from '../../../src/contracts/index.ts';

/** How long a "locate now" waits for the phone's next post: later, its answer is no longer "now". */
export const LOCATE_TTL_MS = 60 * 60_000;
/** How long pushed places wait for a phone (a newer push replaces them at once). */
export const WAYPOINTS_TTL_MS = 30 * 86_400_000;
/** At most this many "locate now" per asker and member within LOCATE_WINDOW_MS. */
export const LOCATE_LIMIT = 3;
export const LOCATE_WINDOW_MS = 10 * 60_000;

/** The command kinds Hearth sends. */
export const ACTIONS = { reportLocation: 'reportLocation', setWaypoints: 'setWaypoints' } as const;
export type Action = (typeof ACTIONS)[keyof typeof ACTIONS];

/** `{"_type":"cmd","action":"reportLocation"}`: the phone reports its position at once. */
export function reportLocationCommand(): location.PhoneCommand {
  return { _type: 'cmd', action: ACTIONS.reportLocation };
}

/** One waypoint as the apps import it. */
export interface OwnTracksWaypointOut {
  _type: 'waypoint';
  desc: string;
  lat: number;
  lon: number;
  rad: number;
  tst: number;
  rid: string;
}

/**
 * Stable, distinct `tst`s for a group's places: each place's creation second, the next free
 * second when two were made in the same one (ordered by creation, then id, so the same places
 * get the same tsts on every push).
 */
export function waypointTsts(places: readonly location.Place[]): Map<string, number> {
  const ordered = [...places].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const taken = new Set<number>();
  const out = new Map<string, number>();
  for (const p of ordered) {
    let tst = Math.floor(Date.parse(p.createdAt) / 1000);
    if (!Number.isFinite(tst)) tst = 0;
    while (taken.has(tst)) tst++;
    taken.add(tst);
    out.set(p.id, tst);
  }
  return out;
}

/**
 * The `setWaypoints` command carrying the group's places: `rid` is the place's id, `tst` its
 * stable second (waypointTsts), `rad` whole metres.
 *
 * @example
 * setWaypointsCommand([home]); // { _type: 'cmd', action: 'setWaypoints', waypoints: { _type: 'waypoints', waypoints: [{ _type: 'waypoint', desc: 'Home', … }] } }
 */
export function setWaypointsCommand(places: readonly location.Place[]): location.PhoneCommand {
  const tsts = waypointTsts(places);
  const waypoints: OwnTracksWaypointOut[] = places.map((p) => ({
    _type: 'waypoint',
    desc: p.name,
    lat: p.lat,
    lon: p.lon,
    rad: Math.round(p.radius),
    tst: tsts.get(p.id)!,
    rid: p.id,
  }));
  return { _type: 'cmd', action: ACTIONS.setWaypoints, waypoints: { _type: 'waypoints', waypoints } };
}

/** A stored command waiting for a phone. */
export interface PendingCommand {
  id: number;
  action: string;
  groupId: string | null;
  body: location.PhoneCommand;
}

/**
 * What a phone gets of its pending commands (oldest first): one `reportLocation` however many
 * members asked, and per group only the newest `setWaypoints` (it carries every place).
 */
export function toDeliver(pending: readonly PendingCommand[]): location.PhoneCommand[] {
  const out: location.PhoneCommand[] = [];
  let located = false;
  const newestPush = new Map<string, number>();
  for (const c of pending) if (c.action === ACTIONS.setWaypoints) newestPush.set(c.groupId ?? '', c.id);
  for (const c of pending) {
    if (c.action === ACTIONS.reportLocation) {
      if (located) continue;
      located = true;
    } else if (c.action === ACTIONS.setWaypoints && newestPush.get(c.groupId ?? '') !== c.id) continue;
    out.push(c.body);
  }
  return out;
}
