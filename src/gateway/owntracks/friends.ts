/**
 * The answer to a POST in HTTP mode: a JSON array of OwnTracks objects the app takes in as
 * though it had received them over MQTT — for each friend a `card` (name) and a `location`
 * (https://owntracks.org/booklet/tech/http/, and the Recorder's "Friends in HTTP mode",
 * https://github.com/owntracks/recorder#friends-in-http-mode, card first as there). The app
 * files both under `owntracks/http/<tid>`, so the tid is what ties a friend's card to their
 * location and tells friends apart (see tid.ts); `topic` rides along for clients that read it.
 */
import type { location } from '../../contracts/index.ts';
import type { ReplyOf } from '../../kit/index.ts';
import { DEFAULT_DEVICE, sanitiseLabel } from './device.ts';
import { assignTids } from './tid.ts';
import { BATTERY_STATES } from './translate.ts';

/** One friend as `GetFriends` answers. */
export type Friend = ReplyOf<typeof location.GetFriends>['friends'][number];

/** A friend's position as the app reads it (tst in epoch seconds, vel in km/h). */
export interface OwnTracksFriendLocation {
  _type: 'location';
  tid: string;
  topic: string;
  lat: number;
  lon: number;
  tst: number;
  acc?: number;
  alt?: number;
  vel?: number;
  cog?: number;
  batt?: number;
  bs?: number;
}

/** A friend's name for the app. */
export interface OwnTracksFriendCard {
  _type: 'card';
  tid: string;
  topic: string;
  name?: string;
  /** The friend's picture, shown instead of the tid: base64 of a small JPEG (or WebP), no `data:` prefix (faces.ts). */
  face?: string;
}

/** The body to answer a POST with: `[]` when there is no one to show. */
export type OwnTracksReply = (OwnTracksFriendCard | OwnTracksFriendLocation)[];

/** How to build the reply. */
export interface FriendsReplyOptions {
  /** Send each friend's card (their display name); default true. */
  cards?: boolean;
  /** Faces by user id (users.GetFaces), put on the cards; a friend without one gets none. */
  faces?: ReadonlyMap<string, string | null>;
  /**
   * Everyone else the poster shares a group with, shown or not (`GetFriends`' `coMembers`):
   * tids are assigned over them all, in user-id order, so a friend keeps their tid when
   * another pauses, has no fix yet, or a newer member joins.
   */
  coMembers?: readonly { userId: string; displayName: string }[];
}

const whole = (n: number | null): number | undefined => (n === null || !Number.isFinite(n) ? undefined : Math.round(n));

function locationOf(fix: location.Sample, tid: string, topic: string, tstMs: number): OwnTracksFriendLocation {
  const out: OwnTracksFriendLocation = { _type: 'location', tid, topic, lat: fix.lat, lon: fix.lon, tst: Math.floor(tstMs / 1000) };
  const fields = {
    acc: whole(fix.accuracy),
    alt: whole(fix.altitude),
    vel: whole(fix.speed === null ? null : fix.speed * 3.6), // m/s → km/h, an integer as the app sends it
    cog: whole(fix.course),
    batt: whole(fix.battery),
    bs: fix.batteryState === null ? undefined : BATTERY_STATES.indexOf(fix.batteryState),
  };
  for (const [k, val] of Object.entries(fields)) if (val !== undefined) out[k as keyof typeof fields] = val;
  return out;
}

/**
 * The reply for the friends the poster may see: per friend a `card` then a `location`,
 * sharing a tid (distinct across the reply) and a topic `owntracks/<userId>/<device>`.
 * Null readings are left out. Friends are ordered by user id — ids are time-ordered, so an
 * older account keeps its tid when a newcomer with the same initials arrives — and tids are
 * assigned over `coMembers` too, so no one's tid moves when someone else stops showing.
 * Only a member leaving every shared group can move the tid of a newer namesake. A friend whose
 * fix has no usable position or time is left out; a user given twice keeps the newer fix.
 */
export function friendsReply(friends: readonly Friend[], opts: FriendsReplyOptions = {}): OwnTracksReply {
  const newest = new Map<string, { friend: Friend; at: number }>();
  for (const friend of friends) {
    const at = Date.parse(friend.lastFix.fixAt);
    if (!Number.isFinite(at) || !Number.isFinite(friend.lastFix.lat) || !Number.isFinite(friend.lastFix.lon)) continue;
    const seen = newest.get(friend.userId);
    if (!seen || at > seen.at) newest.set(friend.userId, { friend, at });
  }
  const ordered = [...newest.values()].sort((a, b) => (a.friend.userId < b.friend.userId ? -1 : a.friend.userId > b.friend.userId ? 1 : 0));
  const everyone = new Map<string, string>();
  for (const m of opts.coMembers ?? []) everyone.set(m.userId, m.displayName);
  for (const { friend } of ordered) everyone.set(friend.userId, friend.displayName);
  const byId = [...everyone].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const tids = assignTids(byId.map(([key, name]) => ({ key, name })));
  const reply: OwnTracksReply = [];
  for (const { friend, at } of ordered) {
    const tid = tids.get(friend.userId)!;
    const topic = `owntracks/${sanitiseLabel(friend.userId) ?? 'user'}/${sanitiseLabel(friend.lastFix.device) ?? DEFAULT_DEVICE}`;
    if (opts.cards !== false) {
      const name = friend.displayName.trim();
      const card: OwnTracksFriendCard = name === '' ? { _type: 'card', tid, topic } : { _type: 'card', tid, topic, name };
      const face = opts.faces?.get(friend.userId);
      if (face) card.face = face;
      reply.push(card);
    }
    reply.push(locationOf(friend.lastFix, tid, topic, at));
  }
  return reply;
}
