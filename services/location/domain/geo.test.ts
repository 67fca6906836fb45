import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { distanceM, EARTH_RADIUS_M, localProjection, wrapLonDelta } from './geo.ts';

const near = (actual: number, expected: number, tolerance: number) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

describe('distanceM', () => {
  it('is zero between a point and itself', () => {
    assert.equal(distanceM({ lat: 52.52, lon: 13.405 }, { lat: 52.52, lon: 13.405 }), 0);
  });

  it('gives one degree of the equator or a meridian as 2πR/360', () => {
    const degree = (2 * Math.PI * EARTH_RADIUS_M) / 360;
    near(distanceM({ lat: 0, lon: 0 }, { lat: 0, lon: 1 }), degree, 1e-6);
    near(distanceM({ lat: 10, lon: 7 }, { lat: 11, lon: 7 }), degree, 1e-6);
  });

  it('matches a known city pair (Berlin–Paris ≈ 878 km) and is symmetric', () => {
    const berlin = { lat: 52.5200, lon: 13.4050 };
    const paris = { lat: 48.8566, lon: 2.3522 };
    near(distanceM(berlin, paris), 877_500, 2_000);
    assert.equal(distanceM(berlin, paris), distanceM(paris, berlin));
  });

  it('takes the short way across the antimeridian', () => {
    near(distanceM({ lat: 0, lon: 179.9 }, { lat: 0, lon: -179.9 }), distanceM({ lat: 0, lon: 0 }, { lat: 0, lon: 0.2 }), 1e-6);
  });

  it('gives half the circumference for antipodes, not NaN', () => {
    near(distanceM({ lat: 0, lon: 0 }, { lat: 0, lon: 180 }), Math.PI * EARTH_RADIUS_M, 1e-3);
    near(distanceM({ lat: 90, lon: 0 }, { lat: -90, lon: 0 }), Math.PI * EARTH_RADIUS_M, 1e-3);
  });
});

describe('localProjection', () => {
  it('puts the origin at 0,0 and keeps short distances true', () => {
    const origin = { lat: 48.2, lon: 16.37 };
    const project = localProjection(origin);
    assert.deepEqual(project(origin), { x: 0, y: 0 });
    const p = { lat: 48.203, lon: 16.374 };
    const { x, y } = project(p);
    assert.ok(x > 0 && y > 0, 'east and north are positive');
    near(Math.hypot(x, y), distanceM(origin, p), 0.5);
  });

  it('wraps longitude differences into −180…180', () => {
    assert.equal(wrapLonDelta(359), -1);
    assert.equal(wrapLonDelta(-181), 179);
    assert.equal(wrapLonDelta(10), 10);
  });
});
