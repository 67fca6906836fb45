/**
 * Places with hysteresis: entering needs a fix inside the circle that is precise enough,
 * leaving needs the whole uncertainty of a fix beyond the radius plus the hysteresis, so GPS
 * noise at the edge does not make a member flap; a removed place is left at the next fix.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { location } from '../../../src/contracts/index.ts';
import { decide } from './decide.ts';
import type { RecordedEvent, ScopeEvent } from './events.ts';
import { evolve } from './evolve.ts';
import { distanceM, EARTH_RADIUS_M } from './geo.ts';
import { placeEvents, type Circle } from './places.ts';
import { DEFAULT_RULES, type Rules } from './rules.ts';
import { emptyScope, type Scope } from './state.ts';

const BASE = Date.parse('2026-03-02T08:00:00.000Z');
const M_PER_DEG = (2 * Math.PI * EARTH_RADIUS_M) / 360;
const home = { lat: 47.3769, lon: 8.5417 };
const RAD = Math.PI / 180;
/** A position `m` metres from home towards `bearing` degrees (a local flat approximation, good to millimetres here). */
const at = (m: number, bearing = 0) => ({
  lat: home.lat + (m * Math.cos(bearing * RAD)) / M_PER_DEG,
  lon: home.lon + (m * Math.sin(bearing * RAD)) / (M_PER_DEG * Math.cos(home.lat * RAD)),
});

/** The `n`th fix (30 s apart), `m` metres from home. */
const fix = (n: number, m: number, accuracy: number | null, bearing = 0): location.Sample => ({
  ...at(m, bearing),
  accuracy,
  altitude: null,
  speed: null,
  course: null,
  battery: 64,
  batteryState: 'charging',
  device: 'phone',
  fixAt: new Date(BASE + n * 30_000).toISOString(),
  receivedAt: new Date(BASE + n * 30_000 + 1_500).toISOString(),
});

const HOME: Circle = { id: 'p-home', name: 'Home', ...home, radius: 100 };
const entered = (p: Circle): ScopeEvent => ({ type: 'place.entered', data: { placeId: p.id, name: p.name } });
const left = (p: Circle): ScopeEvent => ({ type: 'place.left', data: { placeId: p.id, name: p.name } });

/** A scope that is in `inside` (a fix at home, then entering them). */
function scopeIn(inside: readonly Circle[]): Scope {
  const events: RecordedEvent[] = [
    { type: 'location.sampled', data: { fix: fix(0, 0, 5) }, at: fix(0, 0, 5).receivedAt },
    ...inside.map((p): RecordedEvent => ({ ...entered(p), at: fix(0, 0, 5).receivedAt })),
  ];
  return events.reduce((s, e) => evolve(s, e, DEFAULT_RULES), emptyScope('g1', 'u1'));
}

/** Feeds fixes through decide and evolve, as the service does; returns every event decided. */
function run(fixes: location.Sample[], places: readonly Circle[], rules: Rules = DEFAULT_RULES, from: Scope = emptyScope('g1', 'u1')): ScopeEvent[] {
  const all: ScopeEvent[] = [];
  let s = from;
  for (const f of fixes) {
    const events = decide({ type: 'sample', fix: f }, s, { now: Date.parse(f.receivedAt), rules, places });
    s = events.reduce((acc, e) => evolve(acc, { ...e, at: f.receivedAt }, rules), s);
    all.push(...events);
  }
  return all;
}
const placeOnly = (events: ScopeEvent[]) => events.filter((e) => e.type === 'place.entered' || e.type === 'place.left');

/** A deterministic pseudo-random generator (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
/** 200 fixes jittering ±10 m around the 100 m edge of HOME, from all sides. */
function edgeNoise(accuracy: number | null): location.Sample[] {
  const random = rng(7);
  return Array.from({ length: 200 }, (_, n) => fix(n + 1, 100 + 20 * random() - 10, accuracy, 360 * random()));
}

describe('entering a place', () => {
  it('given a fix inside the radius with accuracy no worse than the radius, then the member enters', () => {
    assert.deepEqual(placeEvents(emptyScope('g1', 'u1'), fix(1, 99, 100), [HOME], DEFAULT_RULES), [entered(HOME)]);
    assert.deepEqual(placeEvents(emptyScope('g1', 'u1'), fix(1, 99, null), [HOME], DEFAULT_RULES), [entered(HOME)]);
  });

  it('given a fix just outside the radius, then the member does not enter however precise it is', () => {
    assert.deepEqual(placeEvents(emptyScope('g1', 'u1'), fix(1, 101, 1), [HOME], DEFAULT_RULES), []);
  });

  it('given fixes whose accuracy is worse than the radius, then the member never enters, even at the centre', () => {
    assert.deepEqual(placeEvents(emptyScope('g1', 'u1'), fix(1, 0, 101), [HOME], DEFAULT_RULES), []);
    assert.deepEqual(run(Array.from({ length: 20 }, (_, n) => fix(n + 1, 5 * n, 150, 40 * n)), [HOME]).filter((e) => e.type !== 'location.sampled'), []);
  });

  it('given two overlapping places, then the member enters both, in the order of the places', () => {
    const shop: Circle = { id: 'p-shop', name: 'Shop', ...at(80), radius: 50 };
    assert.deepEqual(placeEvents(emptyScope('g1', 'u1'), fix(1, 60, 10), [HOME, shop], DEFAULT_RULES), [entered(HOME), entered(shop)]);
  });
});

describe('leaving a place', () => {
  const inHome = scopeIn([HOME]);
  const judge = (m: number, accuracy: number | null) => placeEvents(inHome, fix(1, m, accuracy), [HOME], DEFAULT_RULES);

  it('given the member inside, then leaving needs distance − accuracy > radius + hysteresis (100 + 25)', () => {
    assert.deepEqual(judge(150, 20), [left(HOME)], '150 − 20 = 130 > 125');
    assert.deepEqual(judge(140, 20), [], '140 − 20 = 120');
    assert.deepEqual(judge(136, 10), [left(HOME)], '136 − 10 = 126 > 125');
    assert.deepEqual(judge(134, 10), [], '134 − 10 = 124');
    assert.deepEqual(judge(126, null), [left(HOME)], 'unknown accuracy counts as 0');
    assert.deepEqual(judge(124, null), []);
  });

  it('given the member inside, then a fix between the radius and the hysteresis band keeps them in and does not enter again', () => {
    assert.deepEqual(judge(110, 5), []);
    assert.deepEqual(judge(50, 5), []);
  });

  it('given the member left, then coming back in enters again', () => {
    assert.deepEqual(placeOnly(run([fix(1, 10, 5), fix(2, 200, 5), fix(3, 20, 5)], [HOME])), [entered(HOME), left(HOME), entered(HOME)]);
  });
});

describe('GPS noise at the edge', () => {
  it('given fixes jittering ±10 m around the radius with hysteresis 25, then one enter and no leave', () => {
    const fixes = edgeNoise(10);
    const distances = fixes.map((f) => distanceM(HOME, f));
    assert.ok(Math.min(...distances) < 95 && Math.max(...distances) > 105 && distances.every((d) => d >= 89.9 && d <= 110.1), 'the fixture jitters across the edge');
    assert.deepEqual(placeOnly(run(fixes, [HOME])), [entered(HOME)]);
  });

  it('given the same noise with no hysteresis and no accuracy, then the member would flap (the fixture can fail)', () => {
    const events = placeOnly(run(edgeNoise(null), [HOME], { ...DEFAULT_RULES, placeHysteresisM: 0 }));
    assert.ok(events.filter((e) => e.type === 'place.left').length > 5, `only ${events.length} place events`);
  });
});

describe('a removed place', () => {
  it('given the member in a place that was removed, when the next fix comes, then they leave it under its old name', () => {
    const office: Circle = { id: 'p-office', name: 'Office', ...home, radius: 300 };
    const s = scopeIn([HOME, office]);
    assert.deepEqual(run([fix(1, 0, 5)], [HOME], DEFAULT_RULES, s).slice(1), [left(office)]);
    assert.deepEqual(placeEvents(s, fix(1, 0, 5), [], DEFAULT_RULES), [left(HOME), left(office)]);
  });

  it('given the member in a removed place, when an older fix comes, then nothing is left yet', () => {
    const s = scopeIn([HOME]);
    assert.deepEqual(run([fix(-1, 0, 5)], [], DEFAULT_RULES, s), [{ type: 'location.sampled', data: { fix: fix(-1, 0, 5) } }]);
  });
});
