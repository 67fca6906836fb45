/**
 * `decide` as given(events).when(command).then(events): every command, a new fix and the
 * passing of time, with the default thresholds and fixed times (no real clock).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { location } from '../../../src/contracts/index.ts';
import { decide, nextDeadline, offlineDeadline, type Command } from './decide.ts';
import { AppError } from './deps.ts';
import type { RecordedEvent, ScopeEvent } from './events.ts';
import { evolve } from './evolve.ts';
import { EARTH_RADIUS_M } from './geo.ts';
import type { Circle } from './places.ts';
import { DEFAULT_RULES, type Rules } from './rules.ts';
import { emptyScope, type Scope } from './state.ts';

const BASE = Date.parse('2026-03-02T08:00:00.000Z');
const ms = (min: number): number => BASE + min * 60_000;
const t = (min: number): string => new Date(ms(min)).toISOString();
const M_PER_DEG = (2 * Math.PI * EARTH_RADIUS_M) / 360;
const home = { lat: 47.3769, lon: 8.5417 };
/** A position `m` metres north of home. */
const north = (m: number) => ({ lat: home.lat + m / M_PER_DEG, lon: home.lon });
const RECEIVE_DELAY_MS = 2_000;

/** A fix taken `min` minutes after the base time, `m` metres north of home, received 2 s later. */
const fix = (min: number, m = 0, accuracy: number | null = 8): location.Sample => ({
  ...north(m),
  accuracy,
  altitude: 410,
  speed: 1.2,
  course: 0,
  battery: 80,
  batteryState: 'unplugged',
  device: 'phone',
  fixAt: t(min),
  receivedAt: new Date(ms(min) + RECEIVE_DELAY_MS).toISOString(),
});

const destination = { name: 'School', ...north(5_000) };
const sampled = (f: location.Sample): ScopeEvent => ({ type: 'location.sampled', data: { fix: f } });
const rec = (e: ScopeEvent, min: number): RecordedEvent => ({ ...e, at: t(min) });
const ev = {
  sampled: (min: number, m = 0): RecordedEvent => rec(sampled(fix(min, m)), min),
  paused: (min: number): RecordedEvent => rec({ type: 'state.sharing_paused', data: {} }, min),
  offline: (min: number, lastSeen: string | null): RecordedEvent => rec({ type: 'state.went_offline', data: { lastSeen } }, min),
  routing: (min: number, eta: number): RecordedEvent => rec({ type: 'journey.routing_started', data: { mode: 'walking', destination, expectedArrival: t(eta) } }, min),
  late: (min: number, eta: number): RecordedEvent => rec({ type: 'journey.late_alert_raised', data: { expectedArrival: t(eta) } }, min),
  stuck: (min: number): RecordedEvent => rec(stuckAt(north(100), 0), min),
  cleared: (min: number): RecordedEvent => rec({ type: 'journey.stuck_alert_cleared', data: {} }, min),
  sos: (min: number): RecordedEvent => rec({ type: 'sos.raised', data: { ...home } }, min),
};
const stuckAt = (p: { lat: number; lon: number }, since: number): ScopeEvent => ({ type: 'journey.stuck_alert_raised', data: { ...p, since: t(since) } });
const lateAt = (eta: number): ScopeEvent => ({ type: 'journey.late_alert_raised', data: { expectedArrival: t(eta) } });
const wentOffline = (lastFixMin: number): ScopeEvent => ({ type: 'state.went_offline', data: { lastSeen: fix(lastFixMin).receivedAt } });

/**
 * A journey under way: a fix at −12 min, the journey (arriving at `eta`), then a fix at 0
 * 100 m north — the anchor. Reporting interval 12 min, so offline at 13 min 2 s; stuck is
 * due at 10 min.
 */
const journey = (eta = 30): RecordedEvent[] => [ev.sampled(-12), ev.routing(-11, eta), ev.sampled(0, 100)];
const OFFLINE_AT = ms(0) + RECEIVE_DELAY_MS + 12 * 60_000 + 60_000;

interface Options {
  now?: number;
  places?: readonly Circle[];
  rules?: Rules;
}

/** given(events).when(command).then(events) over the fold of `events`. */
function given(events: RecordedEvent[], o: Options = {}) {
  const rules = o.rules ?? DEFAULT_RULES;
  const scope = events.reduce((s, e) => evolve(s, e, rules), emptyScope('g1', 'u1'));
  const ctx = { now: o.now ?? ms(0), rules, places: o.places ?? [] };
  return {
    scope,
    when: (c: Command) => ({
      then: (expected: ScopeEvent[]) => assert.deepEqual(decide(c, scope, ctx), expected),
      refuses: (kind: string, code: string) =>
        assert.throws(() => decide(c, scope, ctx), (e: unknown) => e instanceof AppError && e.kind === kind && e.code === code),
    }),
  };
}
const tick: Command = { type: 'tick' };
const sample = (f: location.Sample): Command => ({ type: 'sample', fix: f });

describe('decide: a fix', () => {
  it('given a member never seen, when a fix comes, then it is recorded', () => {
    given([]).when(sample(fix(0))).then([sampled(fix(0))]);
  });

  it('given a newer fix, when an older or equally old one comes, then it is history only: no place, arrival or alert', () => {
    const places = [{ id: 'p1', name: 'Home', ...home, radius: 100 }];
    const g = given([ev.sampled(-20, 5_000), ev.routing(-19, 1), ev.sampled(10, 5_000)], { now: ms(12), places });
    g.when(sample(fix(5, 5_000))).then([sampled(fix(5, 5_000))]);
    g.when(sample(fix(10, 0))).then([sampled(fix(10, 0))]);
  });

  it('given sharing paused, when a fix comes, then nothing is recorded', () => {
    given([ev.sampled(0), ev.paused(1)], { now: ms(2) }).when(sample(fix(2))).then([]);
  });

  it('given a journey, when a fix lands within 50 m of the destination, then it is reached (and nothing else is judged)', () => {
    const f = fix(40, 4_960);
    given(journey(30), { now: ms(40) }).when(sample(f)).then([sampled(f), { type: 'journey.destination_reached', data: { destination } }]);
  });

  it('given a journey, when a fix lands 60 m from the destination, then it is not reached', () => {
    const f = fix(5, 4_940);
    given(journey(30), { now: ms(5) }).when(sample(f)).then([sampled(f)]);
  });

  it('given a journey, when fixes stay within 30 m of the anchor for 10 minutes, then stuck is raised with the anchor', () => {
    const g = given([...journey(), ev.sampled(5, 110)], { now: ms(10) });
    g.when(sample(fix(9.99, 120))).then([sampled(fix(9.99, 120))]);
    g.when(sample(fix(10, 120))).then([sampled(fix(10, 120)), stuckAt(north(100), 0)]);
  });

  it('given a journey, when a fix lands more than 30 m from the anchor, then the watch restarts there', () => {
    const g = given([...journey(), ev.sampled(5, 140)], { now: ms(10) });
    g.when(sample(fix(10, 150))).then([sampled(fix(10, 150))]);
    g.when(sample(fix(15, 145))).then([sampled(fix(15, 145)), stuckAt(north(140), 5)]);
  });

  it('given stuck, when a fix stays within 30 m, then nothing more; when one moves away, then stuck is cleared', () => {
    const g = given([...journey(), ev.stuck(10)], { now: ms(12) });
    g.when(sample(fix(12, 125))).then([sampled(fix(12, 125))]);
    g.when(sample(fix(12, 135))).then([sampled(fix(12, 135)), { type: 'journey.stuck_alert_cleared', data: {} }]);
  });

  it('given stuck cleared by a fix, when the member stays there 10 minutes, then stuck is raised anew from that fix', () => {
    const g = given([...journey(), ev.stuck(10), ev.sampled(12, 200), ev.cleared(12)], { now: ms(22) });
    g.when(sample(fix(21.99, 210))).then([sampled(fix(21.99, 210))]);
    g.when(sample(fix(22, 210))).then([sampled(fix(22, 210)), stuckAt(north(200), 12)]);
  });

  it('given stuck and then history erased, when the next fix is 500 m away, then stuck is cleared', () => {
    const erased = rec({ type: 'state.history_erased', data: {} }, 11);
    given([...journey(), ev.stuck(10), erased], { now: ms(12) }).when(sample(fix(12, 600))).then([sampled(fix(12, 600)), { type: 'journey.stuck_alert_cleared', data: {} }]);
  });

  it('given a journey due at 30 min, when a fix comes at 30 min, then it is late; before, not; once late, not again', () => {
    given(journey(30), { now: ms(29.99) }).when(sample(fix(1, 500))).then([sampled(fix(1, 500))]);
    given(journey(30), { now: ms(30) }).when(sample(fix(1, 500))).then([sampled(fix(1, 500)), lateAt(30)]);
    given([...journey(30), ev.late(30, 30)], { now: ms(31) }).when(sample(fix(1, 500))).then([sampled(fix(1, 500))]);
  });

  it('given places and a late journey, when a fix enters a place, then sampled, place, then journey events in that order', () => {
    const places = [{ id: 'p1', name: 'Bakery', ...north(600), radius: 50 }];
    const f = fix(1, 610);
    given(journey(0.5), { now: ms(1), places }).when(sample(f)).then([sampled(f), { type: 'place.entered', data: { placeId: 'p1', name: 'Bakery' } }, lateAt(0.5)]);
  });

  it('given a member offline, when a newer fix comes, then only the fix is recorded (coming back needs no event)', () => {
    given([ev.sampled(0), ev.offline(2, fix(0).receivedAt)], { now: ms(5) }).when(sample(fix(5))).then([sampled(fix(5))]);
  });
});

describe('decide: the passing of time', () => {
  it('given fixes 30 s apart, when the interval and the 60 s grace have passed since the last arrived, then offline', () => {
    const g = given([ev.sampled(0), ev.sampled(0.5)]);
    const deadline = ms(0.5) + RECEIVE_DELAY_MS + 30_000 + 60_000;
    assert.equal(offlineDeadline(g.scope, DEFAULT_RULES), deadline);
    given([ev.sampled(0), ev.sampled(0.5)], { now: deadline - 1 }).when(tick).then([]);
    given([ev.sampled(0), ev.sampled(0.5)], { now: deadline }).when(tick).then([wentOffline(0.5)]);
  });

  it('given a single fix, when 60 s have passed since it arrived, then offline', () => {
    const deadline = ms(0) + RECEIVE_DELAY_MS + 60_000;
    given([ev.sampled(0)], { now: deadline - 1 }).when(tick).then([]);
    given([ev.sampled(0)], { now: deadline }).when(tick).then([wentOffline(0)]);
  });

  it('given fixes an hour apart, when 15 minutes (the cap) and the grace have passed, then offline', () => {
    const deadline = ms(60) + RECEIVE_DELAY_MS + 15 * 60_000 + 60_000;
    given([ev.sampled(0), ev.sampled(60)], { now: deadline - 1 }).when(tick).then([]);
    given([ev.sampled(0), ev.sampled(60)], { now: deadline }).when(tick).then([wentOffline(60)]);
  });

  it('given a member already offline, paused or never seen, when time passes, then nothing', () => {
    const later = ms(600);
    given([ev.sampled(0), ev.offline(2, fix(0).receivedAt)], { now: later }).when(tick).then([]);
    given([ev.sampled(0), ev.paused(0.5)], { now: later }).when(tick).then([]);
    given([], { now: later }).when(tick).then([]);
  });

  it('given a journey due at 5 min, when a tick comes at 5 min, then late; just before, nothing', () => {
    given(journey(5), { now: ms(5) - 1 }).when(tick).then([]);
    given(journey(5), { now: ms(5) }).when(tick).then([lateAt(5)]);
  });

  it('given a late grace of 5 minutes, when a tick comes at the arrival time, then not yet late', () => {
    const rules = { ...DEFAULT_RULES, lateGraceMs: 5 * 60_000 };
    given(journey(2), { now: ms(7) - 1, rules }).when(tick).then([]);
    given(journey(2), { now: ms(7), rules }).when(tick).then([lateAt(2)]);
  });

  it('given a journey and no fix since the anchor, when 10 minutes pass, then stuck', () => {
    given(journey(), { now: ms(10) - 1 }).when(tick).then([]);
    given(journey(), { now: ms(10) }).when(tick).then([stuckAt(north(100), 0)]);
  });

  it('given a journey, when a tick finds the member offline, late and still, then offline and late but not stuck', () => {
    given(journey(5), { now: OFFLINE_AT }).when(tick).then([wentOffline(0), lateAt(5)]);
  });

  it('given a journey and the member offline, when the stuck time passes, then nothing', () => {
    given([...journey(), ev.offline(13, fix(0).receivedAt)], { now: ms(14) }).when(tick).then([]);
  });

  it('given stuck and late, when time passes before the offline deadline, then nothing more', () => {
    given([...journey(5), ev.late(5, 5), ev.stuck(10)], { now: OFFLINE_AT - 1 }).when(tick).then([]);
  });
});

describe('decide: commands', () => {
  it('starts sharing only when paused', () => {
    given([ev.sampled(0), ev.paused(1)]).when({ type: 'start_sharing' }).then([{ type: 'state.sharing_started', data: {} }]);
    given([ev.sampled(0)]).when({ type: 'start_sharing' }).then([]);
    given([]).when({ type: 'start_sharing' }).then([]);
  });

  it('pauses sharing, stopping a journey first; pausing twice records nothing', () => {
    given([ev.sampled(0)]).when({ type: 'pause_sharing' }).then([{ type: 'state.sharing_paused', data: {} }]);
    given(journey()).when({ type: 'pause_sharing' }).then([{ type: 'journey.routing_stopped', data: {} }, { type: 'state.sharing_paused', data: {} }]);
    given([ev.sampled(0), ev.paused(1)]).when({ type: 'pause_sharing' }).then([]);
  });

  it('refuses to pause during an SOS (location.sos_active)', () => {
    given([ev.sampled(0), ev.sos(1)]).when({ type: 'pause_sharing' }).refuses('conflict', 'location.sos_active');
  });

  it('starts a journey, with the expected arrival as UTC', () => {
    given([ev.sampled(0)]).when({ type: 'start_journey', mode: 'cycling', destination, expectedArrival: '2026-03-02T09:30:00+01:00' }).then([
      { type: 'journey.routing_started', data: { mode: 'cycling', destination, expectedArrival: t(30) } },
    ]);
  });

  it('refuses a journey while paused (location.not_sharing), during one (location.journey_active), or arriving now or earlier (location.arrival_in_past)', () => {
    const start = (eta: number): Command => ({ type: 'start_journey', mode: 'driving', destination, expectedArrival: t(eta) });
    given([ev.sampled(0), ev.paused(1)]).when(start(30)).refuses('conflict', 'location.not_sharing');
    given(journey()).when(start(60)).refuses('conflict', 'location.journey_active');
    given([ev.sampled(0)]).when(start(0)).refuses('validation', 'location.arrival_in_past');
    given([ev.sampled(0)]).when(start(-1)).refuses('validation', 'location.arrival_in_past');
    assert.throws(() => decide(start(0), emptyScope('g1', 'u1'), { now: ms(0), rules: DEFAULT_RULES, places: [] }), (e: unknown) =>
      e instanceof AppError && JSON.stringify(e.details) === JSON.stringify({ issues: [{ path: 'expectedArrival', message: 'must be in the future' }] }));
  });

  it('stops a journey; with none, records nothing', () => {
    given(journey()).when({ type: 'stop_journey' }).then([{ type: 'journey.routing_stopped', data: {} }]);
    given([ev.sampled(0)]).when({ type: 'stop_journey' }).then([]);
  });

  it('raises an SOS at the position given, else the last fix, else none', () => {
    const raised = (lat: number | null, lon: number | null): ScopeEvent => ({ type: 'sos.raised', data: { lat, lon } });
    given([ev.sampled(0, 300)]).when({ type: 'raise_sos', lat: 1.5, lon: 2.5 }).then([raised(1.5, 2.5)]);
    given([ev.sampled(0, 300)]).when({ type: 'raise_sos' }).then([raised(north(300).lat, north(300).lon)]);
    given([ev.sampled(0, 300)]).when({ type: 'raise_sos', lat: 1.5 }).then([raised(north(300).lat, north(300).lon)]);
    given([]).when({ type: 'raise_sos' }).then([raised(null, null)]);
  });

  it('given sharing paused, when an SOS is raised, then sharing starts first (an SOS overrides a pause)', () => {
    given([ev.sampled(0), ev.paused(1)]).when({ type: 'raise_sos' }).then([
      { type: 'state.sharing_started', data: {} },
      { type: 'sos.raised', data: { ...north(0) } },
    ]);
  });

  it('raises an SOS once; clears it once', () => {
    given([ev.sampled(0), ev.sos(1)]).when({ type: 'raise_sos', lat: 1, lon: 1 }).then([]);
    given([ev.sampled(0), ev.sos(1)]).when({ type: 'clear_sos' }).then([{ type: 'sos.cleared', data: {} }]);
    given([ev.sampled(0)]).when({ type: 'clear_sos' }).then([]);
  });

  it('erases history every time it is asked', () => {
    given([ev.sampled(0)]).when({ type: 'erase_history' }).then([{ type: 'state.history_erased', data: {} }]);
    given([]).when({ type: 'erase_history' }).then([{ type: 'state.history_erased', data: {} }]);
  });
});

describe('nextDeadline', () => {
  const next = (events: RecordedEvent[]): number | null => nextDeadline(given(events).scope, DEFAULT_RULES);

  it('is null for a member never seen, paused, or offline without a journey', () => {
    assert.equal(next([]), null);
    assert.equal(next([ev.sampled(0), ev.paused(1)]), null);
    assert.equal(next([ev.sampled(0), ev.offline(2, null)]), null);
  });

  it('is the offline deadline without a journey (interval capped at 15 minutes)', () => {
    assert.equal(next([ev.sampled(0)]), ms(0) + RECEIVE_DELAY_MS + 60_000);
    assert.equal(next([ev.sampled(0), ev.sampled(0.5)]), ms(0.5) + RECEIVE_DELAY_MS + 90_000);
    assert.equal(next([ev.sampled(0), ev.sampled(60)]), ms(60) + RECEIVE_DELAY_MS + 16 * 60_000);
  });

  it('is the earliest of late, stuck and offline on a journey, each dropped once decided', () => {
    assert.equal(next(journey(5)), ms(5));
    assert.equal(next([...journey(5), ev.late(5, 5)]), ms(10));
    assert.equal(next([...journey(5), ev.late(5, 5), ev.stuck(10)]), OFFLINE_AT);
    assert.equal(next([...journey(60), ev.offline(14, null)]), ms(60));
    assert.equal(next([...journey(5), ev.late(5, 5), ev.offline(14, null)]), null);
  });

  it('is a moment at which a tick decides something, and nothing a millisecond before', () => {
    const scopes = [[ev.sampled(0)], [ev.sampled(0), ev.sampled(60)], journey(5), [...journey(5), ev.late(5, 5)], [...journey(5), ev.late(5, 5), ev.stuck(10)], [...journey(60), ev.offline(14, null)]];
    for (const events of scopes) {
      const at = next(events)!;
      assert.deepEqual(decide(tick, given(events).scope, { now: at - 1, rules: DEFAULT_RULES, places: [] }), []);
      assert.notDeepEqual(decide(tick, given(events).scope, { now: at, rules: DEFAULT_RULES, places: [] }), []);
    }
  });
});
