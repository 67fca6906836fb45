/**
 * Journeys through the real gateway: routing toward a destination until a fix lands within
 * the arrival radius, a late alert raised by the timer alone, a stuck alert (from fixes and
 * from the passing of time, on a clock the test moves) that clears once the member moves
 * on, and the refusals (a second journey, an arrival in the past, stopping twice).
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { assertProblem, call } from '../support/http.ts';
import { joinGroup, makeGroup, signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { distanceM } from '../../services/location/index.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

/** Metres per degree of latitude on Hearth's sphere. */
const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;
const north = (p: { lat: number; lon: number }, m: number) => ({ lat: p.lat + m / M_PER_DEG, lon: p.lon });

describe('location: journeys', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('loc-journeys');
  let offset = 0;
  const clock = () => Date.now() + offset;
  let lastStamp = 0;
  /** A fix time on the service's clock, strictly after the previous one (fixes at one instant are duplicates). */
  const stamp = () => new Date((lastStamp = Math.max(clock(), lastStamp + 1))).toISOString();
  let h: InProcessHearth;
  let ann: User;
  let group: string;

  const fix = async (u: User, p: { lat: number; lon: number }, extra: Record<string, unknown> = {}) => {
    const r = await call(h, 'POST', '/v1/locations', { token: u.token, body: { lat: p.lat, lon: p.lon, timestamp: stamp(), accuracy: 5, ...extra } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.groups, [group]);
    return r.body;
  };
  const view = async (u: User) => {
    const r = await call(h, 'GET', `/v1/groups/${group}/live`, { token: ann.token });
    assert.equal(r.status, 200, r.text);
    return r.body.members.find((m: any) => m.userId === u.userId);
  };
  const types = async (u: User) => (await h.location.events.read(0, 100_000)).filter((e) => e.stream === `scope:${group}:${u.userId}`).map((e) => e.type);
  const startJourney = (u: User, body: Record<string, unknown>) => call(h, 'POST', `/v1/groups/${group}/journey`, { token: u.token, body });
  const inAnHour = () => new Date(clock() + 3_600_000).toISOString();
  /** A member the location service knows in the group, with their own scope. */
  const member = async (name: string) => {
    const u = await signUp(h, name);
    await joinGroup(h, group, ann, u);
    await waitFor(`${name} known to the location service`, async () => (await view(u)) !== undefined || undefined);
    return u;
  };

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, (c) => {
      c.location.stuck_after_s = 10;
      c.location.late_grace_s = 0;
    }, { now: clock });
    ann = await signUp(h, 'Ann');
    group = await makeGroup(h, ann, 'Family');
  });
  after(() => h?.stop());

  it('routes toward the destination and ends the journey on a fix within the arrival radius', async () => {
    const bo = await member('Bo');
    const home = { name: 'Home', lat: 52.52, lon: 13.405 };
    const start = await startJourney(bo, { mode: 'walking', destination: home, expectedArrival: inAnHour() });
    assert.equal(start.status, 201, start.text);
    assert.equal(start.body.state, 'routing');
    assert.equal(start.body.journey.mode, 'walking');
    assert.deepEqual(start.body.journey.destination, home);
    assert.equal(start.body.journey.late, false);
    assert.equal(start.body.journey.stuck, false);
    for (const m of [-1000, -800, -600, -400, -200, -80]) {
      await fix(bo, north(home, m));
      const v = await view(bo);
      assert.equal(v.state, 'routing', `at ${m} m`);
      assert.deepEqual(v.journey.destination, home);
    }
    assert.ok(!(await types(bo)).includes('journey.destination_reached'), 'not arrived 80 m away');
    const near = north(home, -30);
    assert.ok(distanceM(near, home) < 50);
    await fix(bo, near);
    const v = await view(bo);
    assert.equal(v.journey, null);
    assert.equal(v.state, 'active');
    assert.equal(v.lastFix.lat, near.lat);
    const t = await types(bo);
    assert.equal(t.filter((x) => x === 'journey.destination_reached').length, 1);
    assert.equal(t.at(-1), 'journey.destination_reached');
    assert.ok(!t.includes('journey.routing_stopped'));
  });

  it('turns a journey late once its expected arrival passes, with no new fix', async () => {
    const cy = await member('Cy');
    await fix(cy, { lat: 48.85, lon: 2.35 });
    const due = clock() + 1500;
    const start = await startJourney(cy, { mode: 'driving', destination: { name: 'Gran', lat: 48.0, lon: 2.0 }, expectedArrival: new Date(due).toISOString() });
    assert.equal(start.status, 201, start.text);
    assert.equal(start.body.state, 'routing');
    const v = await waitFor('Cy late', async () => {
      const m = await view(cy);
      return m.state === 'warning' ? m : undefined;
    }, 5000);
    assert.equal(v.journey.late, true);
    assert.equal(v.journey.stuck, false);
    const t = await types(cy);
    assert.equal(t.at(-1), 'journey.late_alert_raised');
    const late = (await h.location.events.read(0, 100_000)).find((e) => e.stream === `scope:${group}:${cy.userId}` && e.type === 'journey.late_alert_raised')!;
    assert.ok(Date.parse(late.at) + offset >= due, `not late before the expected arrival (${late.at})`);
    assert.equal(t.filter((x) => x === 'location.sampled').length, 1, 'the timer decided it, not a fix');
  });

  it('raises a stuck alert for fixes within 30 m over more than 10 s and clears it once the member moves on', async () => {
    const di = await member('Di');
    const p = { lat: 51.5, lon: -0.12 };
    const start = await startJourney(di, { mode: 'cycling', destination: { name: 'Work', lat: 51.6, lon: -0.12 }, expectedArrival: inAnHour() });
    assert.equal(start.status, 201, start.text);
    await fix(di, p);
    offset += 5000;
    await fix(di, north(p, 10));
    assert.equal((await view(di)).state, 'routing', 'still within the stuck window');
    offset += 6000;
    await fix(di, north(p, 15));
    const stuck = await waitFor('Di stuck', async () => {
      const m = await view(di);
      return m.state === 'warning' ? m : undefined;
    });
    assert.equal(stuck.journey.stuck, true);
    assert.equal(stuck.journey.late, false);
    const raised = (await h.location.events.read(0, 100_000)).find((e) => e.stream === `scope:${group}:${di.userId}` && e.type === 'journey.stuck_alert_raised');
    assert.ok(raised);
    const data = raised.data as { lat: number; lon: number };
    assert.ok(Math.abs(data.lat - p.lat) < 1e-9 && Math.abs(data.lon - p.lon) < 1e-9, 'stuck where the still spell began');
    offset += 1000;
    await fix(di, north(p, 115));
    const moving = await view(di);
    assert.equal(moving.state, 'routing');
    assert.equal(moving.journey.stuck, false);
    assert.equal((await types(di)).at(-1), 'journey.stuck_alert_cleared');
  });

  it('raises a stuck alert from the passing of time alone', async () => {
    const ed = await member('Ed');
    const start = await startJourney(ed, { mode: 'walking', destination: { name: 'Park', lat: 40.8, lon: -73.95 }, expectedArrival: inAnHour() });
    assert.equal(start.status, 201, start.text);
    await fix(ed, { lat: 40.7, lon: -73.95 });
    await sleep(1200); // a few timer ticks: nothing is due yet
    assert.equal((await view(ed)).state, 'routing');
    offset += 11_000;
    const v = await waitFor('Ed stuck by the timer', async () => {
      const m = await view(ed);
      return m.state === 'warning' ? m : undefined;
    });
    assert.equal(v.journey.stuck, true);
    const t = await types(ed);
    assert.equal(t.filter((x) => x === 'location.sampled').length, 1);
    assert.equal(t.at(-1), 'journey.stuck_alert_raised');
  });

  it('refuses a second journey, an arrival in the past, and stops idempotently', async () => {
    const fi = await member('Fi');
    const dest = { name: 'School', lat: 45.46, lon: 9.19 };
    const first = await startJourney(fi, { mode: 'walking', destination: dest, expectedArrival: inAnHour() });
    assert.equal(first.status, 201, first.text);
    assertProblem(await startJourney(fi, { mode: 'driving', destination: dest, expectedArrival: inAnHour() }), 409, 'location.journey_active');
    const stop1 = await call(h, 'DELETE', `/v1/groups/${group}/journey`, { token: fi.token });
    assert.equal(stop1.status, 200, stop1.text);
    assert.equal(stop1.body.journey, null);
    const stop2 = await call(h, 'DELETE', `/v1/groups/${group}/journey`, { token: fi.token });
    assert.equal(stop2.status, 200, stop2.text);
    assert.equal(stop2.body.journey, null);
    assert.deepEqual(stop2.body, stop1.body);
    const t = await types(fi);
    assert.deepEqual(t, ['journey.routing_started', 'journey.routing_stopped'], 'stopping twice records one stop');
    const past = await startJourney(fi, { mode: 'walking', destination: dest, expectedArrival: new Date(clock() - 60_000).toISOString() });
    assertProblem(past, 400, 'location.arrival_in_past');
    assert.deepEqual(await types(fi), t, 'a refused journey records nothing');
    assert.equal((await view(fi)).journey, null);
  });

  it(
    'answers a started journey and a raised SOS exactly as the group then sees them',
    async () => {
      const gi = await member('Gi');
      await fix(gi, { lat: 41.9, lon: 12.5 });
      for (let i = 0; i < 100; i++) {
        const started = await startJourney(gi, { mode: 'walking', destination: { name: 'Forum', lat: 41.89, lon: 12.49 }, expectedArrival: inAnHour() });
        assert.equal(started.status, 201, started.text);
        assert.deepEqual(started.body.journey, (await view(gi)).journey, `journey ${i}`);
        assert.equal((await call(h, 'DELETE', `/v1/groups/${group}/journey`, { token: gi.token })).status, 200);
        const sos = await call(h, 'POST', `/v1/groups/${group}/sos`, { token: gi.token, body: {} });
        assert.equal(sos.status, 201, sos.text);
        assert.deepEqual(sos.body.sos, (await view(gi)).sos, `sos ${i}`);
        assert.equal((await call(h, 'DELETE', `/v1/groups/${group}/sos`, { token: gi.token })).status, 200);
      }
    },
  );
});
