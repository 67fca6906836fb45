import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { location } from '../../../src/contracts/index.ts';
import * as doc from '../../support/fixtures/owntracks.ts';
import { parseOwnTracks, toFix, toWaypoints, WAYPOINTS_MAX } from '../../../src/gateway/owntracks/index.ts';

const fixOf = (body: unknown, device = 'phone') => toFix(parseOwnTracks(body), device);
const waypointsOf = (body: unknown) => toWaypoints(parseOwnTracks(body));
const actor = { userId: '0190f5b2-7c3a-7e0b-9c1d-4f2a8b6e1d90' };

describe('toFix', () => {
  it('turns the traccar example into a Hearth fix (the time Traccar shows for it, km/h → m/s)', () => {
    assert.deepEqual(fixOf(doc.traccarLocation, 'iphone'), {
      lat: 48.85833,
      lon: 2.29513,
      timestamp: '2017-06-15T06:37:31.000Z',
      accuracy: 5,
      altitude: 167,
      speed: 61_000 / 3600,
      course: 271,
      battery: 41,
      device: 'iphone',
    });
  });

  it('converts km/h to m/s', () => {
    for (const [kmh, ms] of [[0, 0], [36, 10], [90, 25], [3.6, 1]] as const) {
      assert.equal(fixOf({ ...doc.luaLocation, vel: kmh })?.speed, ms, `${kmh} km/h`);
    }
    assert.ok(Math.abs(fixOf({ ...doc.luaLocation, vel: 50 })!.speed! - 13.8889) < 1e-4);
  });

  for (const [bs, state] of [[0, 'unknown'], [1, 'unplugged'], [2, 'charging'], [3, 'full']] as const) {
    it(`maps bs ${bs} to ${state}`, () => assert.equal(fixOf({ ...doc.quicksetupLocation, bs })?.batteryState, state));
  }

  it('turns epoch seconds into an ISO time', () => {
    assert.equal(fixOf(doc.quicksetupLocation)?.timestamp, new Date(1706858149 * 1000).toISOString());
    assert.equal(fixOf(doc.quicksetupLocation)?.timestamp, '2024-02-02T07:15:49.000Z');
  });

  it('leaves out readings a Hearth fix does not allow, keeping the position (batt -1 in the lua example)', () => {
    const fix = fixOf({ ...doc.luaLocation, vel: -1, cog: 400, acc: -5, alt: -20_000 });
    assert.deepEqual(fix, { lat: 48.85833, lon: 2.29513, timestamp: '2015-09-11T15:13:33.000Z', device: 'phone' });
  });

  it('rounds a fractional battery level rather than losing it', () => {
    assert.equal(fixOf({ ...doc.luaLocation, batt: 52.6 })?.battery, 53);
  });

  it('makes fixes the contract accepts, for every documented location', () => {
    for (const body of [doc.quicksetupLocation, doc.traccarLocation, doc.luaLocation, doc.httpTestLocation, doc.poiLocation]) {
      const fix = fixOf(body);
      assert.ok(fix);
      v.parse(location.RecordFixes.request, { actor, fixes: [fix], device: fix.device });
    }
  });

  it('takes the position of a transition that says where (its accuracy too)', () => {
    assert.deepEqual(fixOf(doc.beaconTransition), { lat: 2.2222, lon: 1.1111, timestamp: '2015-06-03T14:42:00.000Z', accuracy: 65, device: 'phone' });
    assert.equal(fixOf(doc.waypointsTransition)?.timestamp, '2024-02-04T14:39:34.000Z');
  });

  it('finds no position in a transition without coordinates', () => {
    assert.equal(fixOf({ ...doc.waypointsTransition, lat: undefined, lon: undefined }), null);
  });

  for (const body of [doc.waypoint, doc.waypointsList, doc.card, doc.lwt, doc.status, doc.cmd]) {
    it(`finds no position in a ${body._type} message`, () => assert.equal(fixOf(body), null));
  }

  it('makes any device name a Hearth device label', () => {
    assert.equal(fixOf(doc.luaLocation, "Jane's iPhone")?.device, 'Jane-s-iPhone');
    assert.equal(fixOf(doc.luaLocation, '')?.device, 'owntracks');
  });
});

describe('toWaypoints', () => {
  it('turns the waypoint example into a place (desc → name, rad → radius)', () => {
    assert.deepEqual(waypointsOf(doc.waypoint), [{ name: 'My favorite coffee shop (Delaville)', lat: 48.87069, lon: 2.34916, radius: 50 }]);
  });

  it('turns every region of a waypoints message', () => {
    assert.deepEqual(waypointsOf(doc.waypointsList), [
      { name: 'home', lat: 30.0, lon: 40.0, radius: 100 },
      { name: 'work', lat: 30.1, lon: 40.1, radius: 100 },
    ]);
    assert.deepEqual(waypointsOf(doc.remoteconfigWaypoints), [{ name: 'Some place', lat: 46.935260881, lon: 10.428771973, radius: 8867 }]);
  });

  it('skips beacon regions (radius 0 or less, or none) and regions without coordinates', () => {
    assert.deepEqual(waypointsOf(doc.beaconWaypoints), []);
    const list = [
      { desc: 'negative', lat: 1, lon: 2, rad: -1 },
      { desc: 'no radius', lat: 1, lon: 2 },
      { desc: 'no place', rad: 100 },
      { desc: 'kept', lat: 1, lon: 2, rad: 100 },
    ];
    assert.deepEqual(waypointsOf({ _type: 'waypoints', waypoints: list }).map((w) => w.name), ['kept']);
  });

  it('clamps a radius into Hearth’s 10–50000 m', () => {
    const radius = (rad: number) => waypointsOf({ ...doc.waypoint, rad })[0]?.radius;
    assert.equal(radius(5), 10);
    assert.equal(radius(10), 10);
    assert.equal(radius(50_000), 50_000);
    assert.equal(radius(120_000), 50_000);
  });

  it('cuts long names to 80 characters and skips blank ones', () => {
    assert.equal(waypointsOf({ ...doc.waypoint, desc: `  ${'é'.repeat(100)}  ` })[0]?.name, 'é'.repeat(80));
    assert.deepEqual(waypointsOf({ ...doc.waypoint, desc: '   ' }), []);
  });

  it('keeps the last region of a name given twice', () => {
    const list = [
      { desc: 'home', lat: 1, lon: 1, rad: 100 },
      { desc: 'work', lat: 2, lon: 2, rad: 100 },
      { desc: 'home', lat: 3, lon: 3, rad: 200 },
    ];
    assert.deepEqual(waypointsOf({ _type: 'waypoints', waypoints: list }), [
      { name: 'work', lat: 2, lon: 2, radius: 100 },
      { name: 'home', lat: 3, lon: 3, radius: 200 },
    ]);
  });

  it(`keeps at most ${WAYPOINTS_MAX}, which ImportWaypoints accepts`, () => {
    const list = Array.from({ length: 250 }, (_, i) => ({ desc: `wp ${i}`, lat: 1, lon: 1, rad: 5 }));
    const waypoints = waypointsOf({ _type: 'waypoints', waypoints: list });
    assert.equal(waypoints.length, WAYPOINTS_MAX);
    v.parse(location.ImportWaypoints.request, { actor, waypoints });
  });

  for (const body of [doc.luaLocation, doc.waypointsTransition, doc.card, doc.cmd]) {
    it(`finds no waypoints in a ${body._type} message`, () => assert.deepEqual(waypointsOf(body), []));
  }
});
