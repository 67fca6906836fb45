/** `location`: the thresholds of the location domain, and how long history is kept. */
import { section, setting } from './declare.ts';
import { days, int, metres, seconds } from './rules.ts';

/** The `location` section. */
export const location = section({
  offline_grace_s: setting(seconds(1, 86_400), 60,
    'a member counts as offline (`WentOffline`, state `inactive`) this long after the moment their next fix was expected'),
  max_report_interval_s: setting(seconds(0, 86_400), 900,
    'the longest reporting interval a phone is credited with when expecting its next fix (the interval is the gap between its last two fixes)'),
  arrival_radius_m: setting(metres(5, 10_000), 50, 'a journey\'s destination is reached within this distance'),
  stuck_after_s: setting(seconds(10, 86_400), 600, 'while routing, staying within `stuck_radius_m` this long raises a stuck alert'),
  stuck_radius_m: setting(metres(5, 10_000), 30, 'see `stuck_after_s`'),
  late_grace_s: setting(seconds(0, 86_400), 0, 'a journey is late this long after its expected arrival'),
  place_hysteresis_m: setting(metres(0, 10_000), 25,
    'a member leaves a place only this far beyond its radius (GPS noise does not flap)'),
  retention_days: setting(days(1, 3650), 30, 'fixes (tracks and their events) older than this are erased, hourly'),
  max_future_s: setting(seconds(0, 86_400), 300,
    'a fix stamped further ahead of the server\'s clock is refused (400) on `/v1/locations`; OwnTracks posts are recorded at the time received instead (`clampedFrom` keeps the phone\'s stamp)'),
  phone_held_days: setting(days(1, 3650), 30,
    'an encrypted OwnTracks message Hearth cannot read yet (no secret set, or another one) is held this long for the right secret, then erased'),
  phone_held_max: setting(int(10, 1_000_000, 'an integer number of messages from 10 to 1000000'), 20_000,
    'encrypted OwnTracks messages held per user at most; beyond it the phone is told 503 and keeps them itself until the secret is set'),
});
