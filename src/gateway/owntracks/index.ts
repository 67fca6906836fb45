/**
 * The OwnTracks app's HTTP mode, translated to and from Hearth — pure functions, no route:
 * read a POSTed body (`parseOwnTracks`), say who sent it (`deviceOf`), turn it into Hearth
 * commands (`toFix` for `RecordFixes`, `toWaypoints` for `ImportWaypoints`) and answer with
 * the friends the app should show (`friendsReply`, from `GetFriends`).
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
} from './payload.ts';
export { toFix, toWaypoints, BATTERY_STATES, WAYPOINTS_MAX, RADIUS_MIN, RADIUS_MAX, type HearthWaypoint } from './translate.ts';
export { deviceOf, sanitiseLabel, DEFAULT_DEVICE, type OwnTracksIdentity, type HeaderSource, type QuerySource } from './device.ts';
export { friendsReply, type Friend, type FriendsReplyOptions, type OwnTracksReply, type OwnTracksFriendLocation, type OwnTracksFriendCard } from './friends.ts';
export { tidOf } from './tid.ts';
export { owntracksConfiguration, setupLink, deviceIdOf, phoneBaseUrl, DEVICE_ID, type OwnTracksConfiguration } from './setup.ts';
export { qrSvg } from './qr.ts';
