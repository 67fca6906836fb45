/**
 * The OwnTracks app's HTTP mode, translated to and from Hearth — no route: read a POSTed
 * body (`parseOwnTracks`), say who sent it (`deviceOf`), turn it into Hearth commands
 * (`toFix` for `RecordFixes`, `toWaypoints` for `ImportWaypoints`) and answer with the
 * friends the app should show (`friendsReply`, from `GetFriends`) — pure functions; open
 * and seal `encrypted` messages (`open`, `seal`: secretbox as the apps do it); and, given
 * the route's `call`, record a message (`ingest`) or the held messages a secret opens
 * (`drainHeld`).
 *
 * @example
 * const msg = parseOwnTracks(body);
 * const { device } = deviceOf({ headers: req.headers, query: url.searchParams, topic: 'topic' in msg ? msg.topic : undefined });
 * const fix = toFix(msg, device); // → RecordFixes { fixes: [fix], device }
 * const waypoints = toWaypoints(msg); // → ImportWaypoints { waypoints } when not empty
 * return friendsReply(friends); // the response body: [] or cards and locations
 *
 * And the phone set-up: `owntracksConfiguration`, its `setupLink` and the link's `qrSvg`.
 */
export {
  parseOwnTracks,
  INVALID_PAYLOAD,
  type OwnTracksMessage,
  type OwnTracksLocation,
  type OwnTracksTransition,
  type OwnTracksWaypoint,
  type OwnTracksWaypoints,
  type OwnTracksCard,
  type OwnTracksLwt,
  type OwnTracksStatus,
  type OwnTracksEncrypted,
} from './payload.ts';
export { open, seal, keyOf } from './crypto.ts';
export { ingest, unseal, drainHeld, type DrainResult } from './ingest.ts';
export { toFix, toWaypoints, BATTERY_STATES, WAYPOINTS_MAX, RADIUS_MIN, RADIUS_MAX, type HearthWaypoint } from './translate.ts';
export { deviceOf, sanitiseLabel, DEFAULT_DEVICE, type OwnTracksIdentity, type HeaderSource, type QuerySource } from './device.ts';
export { friendsReply, type Friend, type FriendsReplyOptions, type OwnTracksReply, type OwnTracksFriendLocation, type OwnTracksFriendCard } from './friends.ts';
export { tidOf } from './tid.ts';
export { owntracksConfiguration, setupLink, deviceIdOf, phoneBaseUrl, DEVICE_ID, type OwnTracksConfiguration } from './setup.ts';
export { qrSvg } from './qr.ts';
