import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../../src/kit/index.ts';
import * as doc from '../../support/fixtures/owntracks.ts';
import { INVALID_PAYLOAD, parseOwnTracks } from '../../../src/gateway/owntracks/index.ts';

/** Asserts `body` is refused as the kit's `check` refuses: validation, the code, `{ issues: [{ path, message }] }`. */
function refuses(body: unknown, path?: string): void {
  assert.throws(
    () => parseOwnTracks(body),
    (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.kind, 'validation');
      assert.equal(err.code, INVALID_PAYLOAD);
      const { issues } = err.details as { issues: { path: string; message: string }[] };
      assert.ok(issues.length > 0);
      for (const i of issues) assert.deepEqual(Object.keys(i).sort(), ['message', 'path']);
      if (path !== undefined) assert.ok(issues.some((i) => i.path === path), `no issue at ${path}: ${JSON.stringify(issues)}`);
      return true;
    },
  );
}

describe('parseOwnTracks: the documented payloads', () => {
  const table = [
    ['location (quicksetup)', doc.quicksetupLocation, 'location'],
    ['location (traccar)', doc.traccarLocation, 'location'],
    ['location (lua, batt -1)', doc.luaLocation, 'location'],
    ['location (http test payload)', doc.httpTestLocation, 'location'],
    ['location (poi)', doc.poiLocation, 'location'],
    ['transition (waypoints)', doc.waypointsTransition, 'transition'],
    ['transition (beacons)', doc.beaconTransition, 'transition'],
    ['waypoint', doc.waypoint, 'waypoint'],
    ['waypoints (setWaypoints)', doc.waypointsList, 'waypoints'],
    ['waypoints (remoteconfig)', doc.remoteconfigWaypoints, 'waypoints'],
    ['waypoints (beacon .otrw)', doc.beaconWaypoints, 'waypoints'],
    ['card', doc.card, 'card'],
    ['lwt', doc.lwt, 'lwt'],
    ['status', doc.status, 'status'],
  ] as const;
  for (const [name, body, kind] of table) {
    it(`reads the ${name} example as ${kind}`, () => assert.equal(parseOwnTracks(body).kind, kind));
  }

  it('keeps the fields of a location and drops the ones it does not know', () => {
    assert.deepEqual(parseOwnTracks(doc.traccarLocation), {
      kind: 'location',
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
      topic: 'owntracks/jane/iphone',
      tid: 'JJ',
    });
    const poi = parseOwnTracks(doc.poiLocation);
    assert.equal('image' in poi, false);
    assert.equal(poi.kind === 'location' && poi.poi, 'fabulous rijsttafel');
  });

  it('reads the waypoint example whose rad and tst are strings as numbers', () => {
    const msg = parseOwnTracks(doc.waypoint);
    assert.equal(msg.kind === 'waypoint' && msg.rad, 50);
    assert.equal(msg.kind === 'waypoint' && msg.tst, 1385997757);
  });

  it('reads every waypoint of a waypoints message', () => {
    const msg = parseOwnTracks(doc.waypointsList);
    assert.deepEqual(msg.kind === 'waypoints' && msg.waypoints.map((w) => w.desc), ['home', 'work']);
  });

  it('keeps a card without a tid, as the booklet shows it', () => {
    assert.deepEqual(parseOwnTracks(doc.card), { kind: 'card', name: 'Jane Jolie', face: doc.card.face });
  });

  it('reads a location with a time far in the future (judging it is the location service’s job)', () => {
    assert.equal(parseOwnTracks({ ...doc.luaLocation, tst: 4_102_444_800 }).kind, 'location');
  });

  it('reads an optional reading of the wrong type as absent, keeping the position', () => {
    const msg = parseOwnTracks({ ...doc.quicksetupLocation, acc: 'x', batt: null, bs: 7, inregions: 'Home', tid: 12 });
    assert.equal(msg.kind, 'location');
    for (const k of ['acc', 'batt', 'bs', 'inregions', 'tid']) assert.equal((msg as Record<string, unknown>)[k], undefined, k);
    assert.equal(msg.kind === 'location' && msg.lat, 48.856826);
  });
});

describe('parseOwnTracks: other types', () => {
  for (const body of [doc.cmd, doc.steps, { _type: 'beacon' }, { _type: 'request' }, { _type: '' }]) {
    it(`ignores _type ${JSON.stringify(body._type)}`, () => assert.deepEqual(parseOwnTracks(body), { kind: 'ignored', type: body._type }));
  }
  for (const type of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    it(`ignores _type ${type} rather than finding Object's`, () => assert.equal(parseOwnTracks({ _type: type }).kind, 'ignored'));
  }
});

describe('parseOwnTracks: encrypted', () => {
  it('reads an encrypted message as its data, left for the route to open', () => {
    assert.deepEqual(parseOwnTracks({ _type: 'encrypted', data: 'AAAA' }), { kind: 'encrypted', data: 'AAAA' });
  });
  for (const body of [{ _type: 'encrypted' }, { _type: 'encrypted', data: 5 }, { _type: 'encrypted', data: '' }]) {
    it(`refuses ${JSON.stringify(body)} (nothing to open)`, () => assert.throws(() => parseOwnTracks(body), { code: 'owntracks.invalid_payload' }));
  }
});

describe('parseOwnTracks: garbage', () => {
  const bodies: [string, unknown, string?][] = [
    ['null', null, ''],
    ['a string', 'location', ''],
    ['a number', 42, ''],
    ['a boolean', true, ''],
    ['an empty array', [], ''],
    ['an array of junk', [1, 'x', null], ''],
    ['an array holding a valid location (one message per request)', [doc.luaLocation], ''],
    ['an object without _type', {}, '_type'],
    ['a number _type', { _type: 5 }, '_type'],
    ['a null _type', { _type: null }, '_type'],
    ['a location with lat "x"', { ...doc.luaLocation, lat: 'x' }, 'lat'],
    ['a location with lat 91', { ...doc.luaLocation, lat: 91 }, 'lat'],
    ['a location with lat -90.5', { ...doc.luaLocation, lat: -90.5 }, 'lat'],
    ['a location with lon 181', { ...doc.luaLocation, lon: 181 }, 'lon'],
    ['a location with lat "NaN"', { ...doc.luaLocation, lat: 'NaN' }, 'lat'],
    ['a location with lat "48.85" (a string)', { ...doc.luaLocation, lat: '48.85' }, 'lat'],
    ['a location with lon "Infinity"', { ...doc.luaLocation, lon: 'Infinity' }, 'lon'],
    ['a location with lat null', { ...doc.luaLocation, lat: null }, 'lat'],
    ['a location without lat', { _type: 'location', lon: 2, tst: 1441984413 }, 'lat'],
    ['a location without tst', { _type: 'location', lat: 48, lon: 2 }, 'tst'],
    ['a location with tst "now"', { ...doc.luaLocation, tst: 'now' }, 'tst'],
    ['a location with a negative tst', { ...doc.luaLocation, tst: -1 }, 'tst'],
    ['a location with tst in milliseconds past year 9999', { ...doc.luaLocation, tst: 1_441_984_413_000_000 }, 'tst'],
    ['a transition without event', { ...doc.waypointsTransition, event: undefined }, 'event'],
    ['a transition with event "stay"', { ...doc.waypointsTransition, event: 'stay' }, 'event'],
    ['a transition with lat 100', { ...doc.waypointsTransition, lat: 100 }, 'lat'],
    ['a transition without tst', { ...doc.waypointsTransition, tst: undefined }, 'tst'],
    ['a waypoint without desc', { ...doc.waypoint, desc: undefined }, 'desc'],
    ['waypoints that are not an array', { _type: 'waypoints', waypoints: {} }, 'waypoints'],
    ['waypoints with a broken one', { _type: 'waypoints', waypoints: [{ desc: 'x', lat: 'y' }] }, 'waypoints.0.lat'],
  ];
  for (const [name, body, path] of bodies) {
    it(`refuses ${name}`, () => refuses(body, path));
  }

  it('says what is wrong in the message', () => {
    assert.throws(() => parseOwnTracks({ ...doc.luaLocation, lat: 91 }), /Invalid OwnTracks location: lat: must be between -90 and 90/);
  });
});
