/**
 * The transition table of docs/location.md, row by row: each row's "from" scope is the fold
 * of real events from `emptyScope`, the row's event(s) are folded on top, and `statusOf` must
 * give the row's "to" state. A last test reads the table out of the document and checks that
 * its ids, events and target states are exactly the rows here, so the two cannot drift (it
 * reads one file of this repository, read-only, which is why this unit test touches a file).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { location } from '../../../src/contracts/index.ts';
import type { RecordedEvent, ScopeEventType } from './events.ts';
import { evolve } from './evolve.ts';
import { EARTH_RADIUS_M } from './geo.ts';
import { DEFAULT_RULES } from './rules.ts';
import { emptyScope, statusOf, type Scope } from './state.ts';

const BASE = Date.parse('2026-03-02T08:00:00.000Z');
const t = (min: number): string => new Date(BASE + min * 60_000).toISOString();
const M_PER_DEG = (2 * Math.PI * EARTH_RADIUS_M) / 360;
const home = { lat: 47.3769, lon: 8.5417 };
/** A position `m` metres north of home. */
const north = (m: number) => ({ lat: home.lat + m / M_PER_DEG, lon: home.lon });

const fix = (min: number, m = 0): location.Sample => ({
  ...north(m),
  accuracy: 8,
  altitude: 410,
  speed: 1.2,
  course: 0,
  battery: 80,
  batteryState: 'unplugged',
  device: 'phone',
  fixAt: t(min),
  receivedAt: new Date(Date.parse(t(min)) + 2_000).toISOString(),
});

const destination = { name: 'School', ...north(5_000) };
/** Events as they are recorded, stamped at `min` minutes after the base time. */
const ev = {
  sampled: (min: number, m = 0): RecordedEvent => ({ type: 'location.sampled', data: { fix: fix(min, m) }, at: t(min) }),
  started: (min = 0): RecordedEvent => ({ type: 'state.sharing_started', data: {}, at: t(min) }),
  paused: (min = 0): RecordedEvent => ({ type: 'state.sharing_paused', data: {}, at: t(min) }),
  offline: (min = 0): RecordedEvent => ({ type: 'state.went_offline', data: { lastSeen: fix(0).receivedAt }, at: t(min) }),
  erased: (min = 0): RecordedEvent => ({ type: 'state.history_erased', data: {}, at: t(min) }),
  routing: (min = 0): RecordedEvent => ({ type: 'journey.routing_started', data: { mode: 'walking', destination, expectedArrival: t(60) }, at: t(min) }),
  stopped: (min = 0): RecordedEvent => ({ type: 'journey.routing_stopped', data: {}, at: t(min) }),
  reached: (min = 0): RecordedEvent => ({ type: 'journey.destination_reached', data: { destination }, at: t(min) }),
  stuck: (min = 0): RecordedEvent => ({ type: 'journey.stuck_alert_raised', data: { ...north(100), since: t(2) }, at: t(min) }),
  unstuck: (min = 0): RecordedEvent => ({ type: 'journey.stuck_alert_cleared', data: {}, at: t(min) }),
  late: (min = 0): RecordedEvent => ({ type: 'journey.late_alert_raised', data: { expectedArrival: t(60) }, at: t(min) }),
  sos: (min = 0, lat: number | null = home.lat, lon: number | null = home.lon): RecordedEvent => ({ type: 'sos.raised', data: { lat, lon }, at: t(min) }),
  sosCleared: (min = 0): RecordedEvent => ({ type: 'sos.cleared', data: {}, at: t(min) }),
  entered: (min = 0): RecordedEvent => ({ type: 'place.entered', data: { placeId: 'p1', name: 'Home' }, at: t(min) }),
  left: (min = 0): RecordedEvent => ({ type: 'place.left', data: { placeId: 'p1', name: 'Home' }, at: t(min) }),
};

// The "from" scopes, as the events that make them.
const never: RecordedEvent[] = [];
const seen = [ev.sampled(0)];
const offline = [...seen, ev.offline(2)];
const pausedOnline = [...seen, ev.paused(1)];
const pausedOffline = [...offline, ev.paused(3)];
const routing = [...seen, ev.routing(1), ev.sampled(2, 100)];
const stuck = [...routing, ev.stuck(12)];
const late = [...routing, ev.late(60)];
const lateStuck = [...stuck, ev.late(60)];
const routingOffline = [...routing, ev.offline(4)];
const sosActive = [...seen, ev.sos(1)];
const sosRouting = [...routing, ev.sos(3)];
const sosWarning = [...late, ev.sos(61)];
const sosOffline = [...offline, ev.sos(3)];
const sosNever = [ev.sos(0, null, null)];
const sosWhilePaused = [...pausedOnline, ev.started(30), ev.sos(30)];

type To = location.Status | 'unchanged';
/** One row: the scopes it starts from (all in the same state), the events applied, the state they give. */
interface Row {
  id: string;
  from: string;
  cases: RecordedEvent[][];
  apply: RecordedEvent[];
  to: To;
  todo?: string;
}


const rows: Row[] = [
  { id: 'T1', from: 'inactive (sharing, never seen)', cases: [never], apply: [ev.sampled(0)], to: 'active' },
  { id: 'T2', from: 'inactive (offline)', cases: [offline], apply: [ev.sampled(10, 20)], to: 'active' },
  { id: 'T3', from: 'active', cases: [seen], apply: [ev.offline(2)], to: 'inactive' },
  { id: 'T4', from: 'active', cases: [seen], apply: [ev.sampled(1, 10)], to: 'active' },
  { id: 'T5', from: 'any', cases: [seen, offline, routing, stuck, routingOffline, sosActive], apply: [{ ...ev.sampled(-5, 300), at: t(20) }], to: 'unchanged' },
  { id: 'T6', from: 'active', cases: [seen], apply: [ev.paused(1)], to: 'inactive' },
  { id: 'T7', from: 'inactive (offline)', cases: [offline], apply: [ev.paused(3)], to: 'inactive' },
  { id: 'T8', from: 'inactive (paused while online)', cases: [pausedOnline], apply: [ev.started(30)], to: 'inactive' },
  { id: 'T9', from: 'inactive (paused while offline)', cases: [pausedOffline], apply: [ev.started(30)], to: 'inactive' },
  { id: 'T10', from: 'inactive (resumed, no fix since)', cases: [[...pausedOffline, ev.started(30)]], apply: [ev.sampled(31, 50)], to: 'active' },
  { id: 'T11', from: 'active', cases: [seen], apply: [ev.routing(1)], to: 'routing' },
  { id: 'T12', from: 'inactive (sharing, never seen)', cases: [never], apply: [ev.routing(0)], to: 'routing' },
  { id: 'T13', from: 'inactive (offline)', cases: [offline], apply: [ev.routing(3)], to: 'warning' },
  { id: 'T14', from: 'routing (online, not late, not stuck)', cases: [routing], apply: [ev.sampled(3, 200)], to: 'routing' },
  { id: 'T15', from: 'routing', cases: [routing], apply: [ev.reached(20)], to: 'active' },
  { id: 'T16', from: 'routing', cases: [routing], apply: [ev.stopped(20)], to: 'active' },
  { id: 'T17', from: 'routing', cases: [routing], apply: [ev.stuck(12)], to: 'warning' },
  { id: 'T18', from: 'routing', cases: [routing], apply: [ev.late(60)], to: 'warning' },
  { id: 'T19', from: 'routing', cases: [routing], apply: [ev.offline(4)], to: 'warning' },
  { id: 'T20', from: 'warning (stuck only)', cases: [stuck], apply: [ev.unstuck(13)], to: 'routing' },
  { id: 'T21', from: 'warning (stuck and late)', cases: [lateStuck], apply: [ev.unstuck(61)], to: 'warning' },
  { id: 'T22', from: 'warning (offline only)', cases: [routingOffline], apply: [ev.sampled(10, 300)], to: 'routing' },
  { id: 'T23', from: 'warning (late)', cases: [late, [...late, ev.offline(63)]], apply: [ev.sampled(70, 300)], to: 'warning' },
  { id: 'T24', from: 'warning (stuck)', cases: [stuck], apply: [ev.sampled(13, 110)], to: 'warning' },
  { id: 'T25', from: 'warning (late or stuck, online)', cases: [late, stuck, lateStuck], apply: [ev.reached(70)], to: 'active' },
  { id: 'T26', from: 'warning (late or stuck, online)', cases: [late, stuck, lateStuck], apply: [ev.stopped(70)], to: 'active' },
  { id: 'T27', from: 'warning (offline)', cases: [routingOffline, [...late, ev.offline(63)]], apply: [ev.stopped(70)], to: 'inactive' },
  { id: 'T28', from: 'warning (late)', cases: [late], apply: [ev.stuck(70)], to: 'warning' },
  { id: 'T29', from: 'warning (stuck or offline)', cases: [stuck, routingOffline], apply: [ev.late(60)], to: 'warning' },
  { id: 'T30', from: 'warning (stuck or late)', cases: [stuck, late], apply: [ev.offline(65)], to: 'warning' },
  { id: 'T31', from: 'active', cases: [seen], apply: [ev.sos(1)], to: 'sos' },
  { id: 'T32', from: 'inactive (offline or never seen)', cases: [offline, never], apply: [ev.sos(5, null, null)], to: 'sos' },
  { id: 'T33', from: 'inactive (paused)', cases: [pausedOnline, pausedOffline], apply: [ev.started(30), ev.sos(30)], to: 'sos' },
  { id: 'T34', from: 'routing', cases: [routing], apply: [ev.sos(3)], to: 'sos' },
  { id: 'T35', from: 'warning', cases: [late, stuck, routingOffline], apply: [ev.sos(70)], to: 'sos' },
  { id: 'T36', from: 'sos', cases: [sosActive, sosOffline, sosNever], apply: [ev.sampled(10, 40)], to: 'sos' },
  { id: 'T37', from: 'sos', cases: [sosActive, sosRouting], apply: [ev.offline(10)], to: 'sos' },
  { id: 'T38', from: 'sos', cases: [sosActive, sosOffline], apply: [ev.routing(10)], to: 'sos' },
  { id: 'T39', from: 'sos (routing)', cases: [sosRouting], apply: [ev.stuck(13)], to: 'sos' },
  { id: 'T40', from: 'sos', cases: [sosActive, sosRouting], apply: [ev.erased(10)], to: 'sos' },
  { id: 'T41', from: 'sos (sharing, online, no journey)', cases: [sosActive], apply: [ev.sosCleared(10)], to: 'active' },
  { id: 'T42', from: 'sos (journey, online, no alert)', cases: [sosRouting], apply: [ev.sosCleared(10)], to: 'routing' },
  { id: 'T43', from: 'sos (journey late, stuck or offline)', cases: [sosWarning, [...sosRouting, ev.offline(10)]], apply: [ev.sosCleared(70)], to: 'warning' },
  { id: 'T44', from: 'sos (offline or no fix, no journey)', cases: [sosOffline, sosNever], apply: [ev.sosCleared(10)], to: 'inactive' },
  { id: 'T45', from: 'sos (raised while paused, no fix since)', cases: [sosWhilePaused], apply: [ev.sosCleared(40)], to: 'inactive' },
  { id: 'T46', from: 'active', cases: [seen], apply: [ev.erased(5)], to: 'inactive' },
  { id: 'T47', from: 'inactive', cases: [offline, pausedOnline, never], apply: [ev.erased(5)], to: 'inactive' },
  { id: 'T48', from: 'routing or warning', cases: [routing, late], apply: [ev.erased(5)], to: 'unchanged' },
  { id: 'T49', from: 'any', cases: [seen, routing, stuck, sosActive], apply: [ev.entered(3)], to: 'unchanged' },
  { id: 'T50', from: 'any', cases: [[...seen, ev.entered(0)], [...routing, ev.entered(2)], [...sosActive, ev.entered(1)]], apply: [ev.left(5)], to: 'unchanged' },
];

const fold = (events: RecordedEvent[], from: Scope = emptyScope('g1', 'u1')): Scope => events.reduce((s, e) => evolve(s, e, DEFAULT_RULES), from);
/** The states a "from" label names ('routing or warning (…)' → both; 'any' → none). */
const fromStates = (label: string): string[] => (label.startsWith('any') ? [] : label.split('(')[0]!.trim().split(' or '));
const title = (r: Row): string => `${r.id}: ${r.from} + ${r.apply.map((e) => e.type).join(', ')} → ${r.to}`;

describe('the transition table (docs/location.md)', () => {
  for (const row of rows) {
    it(title(row), row.todo ? { todo: row.todo } : {}, () => {
      for (const given of row.cases) {
        const before = fold(given);
        const states = fromStates(row.from);
        if (states.length) assert.ok(states.includes(statusOf(before)), `the from scope of ${row.id} is ${statusOf(before)}, not ${row.from}`);
        const after = fold(row.apply, before);
        assert.equal(statusOf(after), row.to === 'unchanged' ? statusOf(before) : row.to, `${row.id} from ${given.map((e) => e.type).join(' → ') || 'nothing'}`);
      }
    });
  }

  it('sos holds against every event but sos.cleared', () => {
    const all: RecordedEvent[] = [ev.sampled(20, 60), ev.started(20), ev.paused(20), ev.offline(20), ev.erased(20), ev.routing(20), ev.stopped(20), ev.reached(20), ev.stuck(20), ev.unstuck(20), ev.late(20), ev.sos(20), ev.entered(20), ev.left(20)];
    for (const e of all) assert.equal(statusOf(fold([e], fold(sosRouting))), 'sos', e.type);
  });
});

/** The rows of the document's transition table: id, event types, target state. */
function docRows(): Map<string, { events: string[]; to: string }> {
  const doc = readFileSync(new URL('../../../docs/location.md', import.meta.url), 'utf8');
  const out = new Map<string, { events: string[]; to: string }>();
  for (const line of doc.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (!/^T\d+$/.test(cells[1] ?? '')) continue;
    const [, id, , event, to] = cells;
    assert.ok(!out.has(id!), `${id} appears twice in docs/location.md`);
    out.set(id!, { events: [...event!.matchAll(/`([a-z_]+\.[a-z_]+)`/g)].map((m) => m[1]!), to: /^\*{0,2}([a-z]+)/.exec(to!)?.[1] ?? '' });
  }
  return out;
}

describe('docs/location.md and this table', () => {
  it('name the same rows with the same events and target states', () => {
    const doc = docRows();
    assert.ok(doc.size > 0, 'no transition rows found in docs/location.md');
    assert.deepEqual([...doc.keys()].sort(), rows.map((r) => r.id).sort(), 'row ids differ');
    for (const r of rows) {
      const d = doc.get(r.id)!;
      assert.deepEqual(d.events, r.apply.map((e) => e.type satisfies ScopeEventType), `${r.id}: events differ`);
      assert.equal(d.to, r.to, `${r.id}: target state differs`);
    }
  });

  it('has one test per row, each id once', () => {
    assert.equal(new Set(rows.map((r) => r.id)).size, rows.length);
  });
});
