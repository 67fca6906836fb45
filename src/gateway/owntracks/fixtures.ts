/**
 * Payloads from the OwnTracks documentation, as published, for the tests of this folder.
 * Each names the page it comes from; where a page lists elements without a full example
 * (lwt, status), the fixture is built from that list and says so.
 */

/** https://owntracks.org/booklet/guide/quicksetup/ — a location as the app publishes it. */
export const quicksetupLocation = {
  _type: 'location',
  SSID: 'mywifi',
  alt: 154,
  batt: 53,
  conn: 'w',
  created_at: 1706858149,
  lat: 48.856826,
  lon: 2.292713,
  tid: 'j1',
  tst: 1706858149,
  vel: 0,
};

/** https://owntracks.org/booklet/features/traccar/ — "an HTTP payload that an OwnTracks app produces". */
export const traccarLocation = {
  cog: 271,
  batt: 41,
  lon: 2.29513,
  acc: 5,
  vel: 61,
  vac: 21,
  lat: 48.85833,
  t: 'u',
  tst: 1497508651,
  alt: 167,
  _type: 'location',
  topic: 'owntracks/jane/iphone',
  p: 71,
  tid: 'JJ',
};

/** https://owntracks.org/booklet/tech/lua/ — note `batt: -1`. */
export const luaLocation = { batt: -1, lon: 2.29513, lat: 48.85833, t: 'u', tst: 1441984413, _type: 'location', tid: 'JJ' };

/** https://owntracks.org/booklet/tech/http/ — the test payload built with jo(1) (`tst=$(date +%s)` fixed here). */
export const httpTestLocation = { _type: 'location', t: 'u', batt: 11, lat: 48.856826, lon: 2.292713, tid: 'JJ', tst: 1706858149, topic: 'owntracks/jane/phone' };

/** https://owntracks.org/booklet/features/poi/ — a location with a point of interest and an image. */
export const poiLocation = {
  _type: 'location',
  acc: 5,
  alt: 0,
  conn: 'w',
  created_at: 1734377867,
  image: '/9j/42nS1Xn ... JfVKcX0R5mIy9+813P/9k=',
  imagename: 'IMG_0009',
  lat: 52.085284,
  lon: 5.120975,
  m: 1,
  poi: 'fabulous rijsttafel',
  t: 'u',
  tid: 'JJ',
  tst: 1734377712,
};

/** https://owntracks.org/booklet/features/waypoints/ — entering a region. */
export const waypointsTransition = {
  _type: 'transition',
  desc: 'My favorite coffee shop (Delaville)',
  event: 'enter',
  lat: 48.87069,
  lon: 2.34916,
  rid: 'f7676c',
  tid: 'j1',
  tst: 1707057574,
  wtst: 1610104395,
};

/** https://owntracks.org/booklet/features/beacons/ — entering a beacon region. */
export const beaconTransition = { _type: 'transition', acc: 65, desc: 'Main@WestWing', event: 'enter', lat: 2.2222, lon: 1.1111, tid: 'jp', tst: 1433342520, wtst: 1432817332 };

/** https://owntracks.org/booklet/features/waypoints/ — a region defined on the phone (`rad` and `tst` as strings, as published). */
export const waypoint = {
  _type: 'waypoint',
  desc: 'My favorite coffee shop (Delaville)',
  lat: 48.87069,
  lon: 2.34916,
  rad: '50',
  tst: '1385997757',
  rid: 'f7676c',
  wtst: 1610104395,
};

/** https://owntracks.org/booklet/features/waypoints/ — the `waypoints` of a setWaypoints command. */
export const waypointsList = {
  _type: 'waypoints',
  waypoints: [
    { _type: 'waypoint', tst: 1708625557, rid: 'my-region-id-1', desc: 'home', rad: 100, lat: 30.0, lon: 40.0 },
    { _type: 'waypoint', tst: 1708625558, rid: 'my-region-id-2', desc: 'work', rad: 100, lat: 30.1, lon: 40.1 },
  ],
};

/** https://owntracks.org/booklet/features/remoteconfig/ — a 8867 m region. */
export const remoteconfigWaypoints = {
  waypoints: [{ desc: 'Some place', rad: 8867, lon: 10.428771973, lat: 46.935260881, tst: 1437552714, _type: 'waypoint' }],
  _type: 'waypoints',
};

/** https://owntracks.org/booklet/features/beacons/ — an `.otrw` file holding one beacon region (`rad: 0`). */
export const beaconWaypoints = {
  waypoints: [{ tst: 1432817332, lat: 52.0, _type: 'waypoint', lon: 6.0, rad: 0, desc: 'Main@WestWing:DEADBEEF-ABBA-CAFE-AFFE-123456789012:0001' }],
  _type: 'waypoints',
};

/** https://owntracks.org/booklet/features/card/ — a card (no `tid` in the published example). */
export const card = { _type: 'card', name: 'Jane Jolie', face: 'iV1CFEVkMhmCIKBUKh3 ... ghAAAAABJRU5ErkJggg==' };

/** https://github.com/owntracks/recorder#friends-in-http-mode — what the Recorder answers for a friend. */
export const recorderFriendsReply = [
  { _type: 'card', tid: 'JA', face: '/9j/4AAQSkZJR...', name: 'John Doe' },
  { _type: 'location', tid: 'JA', lat: 48.95833, lon: 2.39523, tst: 1456212791 },
];

/** https://owntracks.org/booklet/tech/json/#_typelwt — built from the element list (`tst` only). */
export const lwt = { _type: 'lwt', tst: 1706858149 };

/** https://owntracks.org/booklet/tech/json/#_typestatus — built from the element list (iOS and android elements). */
export const status = {
  _type: 'status',
  iOS: { version: '18.1.0', locale: 'fr_FR', localeUsesMetricSystem: true, backgroundRefreshStatus: 'UIBackgroundRefreshStatusAvailable' },
  android: { hib: 1, bo: 1, loc: 1, ps: 0, wifi: 1 },
  _id: 'c0ffee',
};

/** https://owntracks.org/booklet/tech/json/#_typecmd — a type this layer does not act on. */
export const cmd = { _type: 'cmd', action: 'reportLocation' };

/** https://owntracks.org/booklet/tech/json/#_typesteps — built from the element list. */
export const steps = { _type: 'steps', tst: 1706858149, steps: 1234, from: 1706800000, to: 1706858149 };
