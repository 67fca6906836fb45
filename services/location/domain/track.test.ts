import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { distanceM } from './geo.ts';
import { downsample, trackDistanceM } from './track.ts';

/** A deterministic pseudo-random generator (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const M_PER_DEG_LAT = 111_195;
const home = { lat: 47.3769, lon: 8.5417 };
const north = (m: number) => ({ lat: home.lat + m / M_PER_DEG_LAT, lon: home.lon });

describe('trackDistanceM', () => {
  it('given a phone lying still with GPS noise within 10 m (accuracy 15), then it adds under 20 m', () => {
    const random = rng(1);
    const cosLat = Math.cos((home.lat * Math.PI) / 180);
    const points = Array.from({ length: 100 }, () => {
      const r = 10 * Math.sqrt(random());
      const a = 2 * Math.PI * random();
      return { lat: home.lat + (r * Math.sin(a)) / M_PER_DEG_LAT, lon: home.lon + (r * Math.cos(a)) / (M_PER_DEG_LAT * cosLat), accuracy: 15 };
    });
    assert.ok(points.every((p) => distanceM(home, p) <= 10.01), 'the fixture stays within 10 m');
    assert.ok(trackDistanceM(points) < 20, `got ${trackDistanceM(points)}`);
  });

  it('given a straight 1 km line of 11 points, then it is 1000 m within 1 %', () => {
    const points = Array.from({ length: 11 }, (_, i) => ({ ...north(i * 100), accuracy: 10 }));
    const d = trackDistanceM(points);
    assert.ok(Math.abs(d - 1000) <= 10, `got ${d}`);
  });

  it('given slow walking in 2 m steps with no accuracy, then the walk is still counted', () => {
    const points = Array.from({ length: 501 }, (_, i) => north(i * 2));
    const d = trackDistanceM(points);
    assert.ok(Math.abs(d - 1000) <= 10, `got ${d}`);
  });

  it('given a still phone with 2 m noise and no accuracy, then the 5 m floor keeps it at 0', () => {
    const random = rng(4);
    const points = Array.from({ length: 100 }, () => ({ lat: home.lat + (random() - 0.5) * 2 / M_PER_DEG_LAT, lon: home.lon, accuracy: null }));
    assert.equal(trackDistanceM(points), 0);
  });

  it('given a step just beyond both accuracies, then it counts; just within, then not', () => {
    assert.ok(Math.abs(trackDistanceM([{ ...home, accuracy: 10 }, { ...north(21), accuracy: 10 }]) - 21) < 0.1);
    assert.equal(trackDistanceM([{ ...home, accuracy: 10 }, { ...north(19), accuracy: 10 }]), 0);
  });

  it('given fewer than two points, then 0', () => {
    assert.equal(trackDistanceM([]), 0);
    assert.equal(trackDistanceM([home]), 0);
  });
});

describe('downsample', () => {
  const lShape = () => {
    const random = rng(2);
    const east = (m: number) => home.lon + m / (M_PER_DEG_LAT * Math.cos((home.lat * Math.PI) / 180));
    const pts: { lat: number; lon: number; i: number }[] = [];
    // 1 km east, then 1 km north, one point a metre with ±0.5 m jitter; the corner is index 1000.
    for (let m = 0; m <= 1000; m++) pts.push({ lat: home.lat + (random() - 0.5) / M_PER_DEG_LAT, lon: east(m), i: pts.length });
    for (let m = 1; m <= 1000; m++) pts.push({ lat: home.lat + m / M_PER_DEG_LAT, lon: east(1000 + random() - 0.5), i: pts.length });
    pts[1000] = { lat: home.lat, lon: east(1000), i: 1000 };
    return pts;
  };

  it('given an L-shaped track, then it keeps the first, the last and the corner, in order', () => {
    const pts = lShape();
    for (const max of [3, 10, 100]) {
      const out = downsample(pts, max);
      assert.ok(out.length <= max);
      assert.equal(out[0], pts[0]);
      assert.equal(out.at(-1), pts.at(-1));
      assert.ok(out.some((p) => p.i === 1000), `corner dropped at max ${max}`);
      assert.ok(out.every((p, k) => k === 0 || p.i > out[k - 1]!.i), 'order kept');
    }
    assert.deepEqual(downsample(pts, 3).map((p) => p.i), [0, 1000, 2000]);
  });

  it('given 200 000 points, then it returns 1000 of them including both ends', () => {
    const random = rng(3);
    let lat = home.lat;
    let lon = home.lon;
    const pts = Array.from({ length: 200_000 }, () => ({ lat: (lat += (random() - 0.5) * 1e-4), lon: (lon += (random() - 0.3) * 1e-4) }));
    const out = downsample(pts, 1000);
    assert.equal(out.length, 1000);
    assert.equal(out[0], pts[0]);
    assert.equal(out.at(-1), pts.at(-1));
  });

  it('given no more points than max, then a copy of all of them', () => {
    const pts = [home, north(10), north(20)];
    const out = downsample(pts, 3);
    assert.deepEqual(out, pts);
    assert.notEqual(out, pts);
    assert.deepEqual(downsample([], 2), []);
  });

  it('given max below 2 or not whole, then location.bad_max_points', () => {
    for (const max of [1, 0, -5, 2.5, Number.NaN]) {
      assert.throws(() => downsample([home, north(1), north(2)], max), { code: 'location.bad_max_points', kind: 'validation' });
    }
  });

  it('given a point without a valid position, then location.bad_point instead of looping', () => {
    assert.throws(() => downsample([home, { lat: Number.NaN, lon: 0 }, north(1), north(2)], 2), { code: 'location.bad_point' });
  });
});
