/** Low battery, once per discharge: given the mark, when a fix comes, then told or not, and the mark kept. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { location } from '../../../src/contracts/index.ts';
import { judgeBattery, MARGIN, RECENT_MS, type BatteryMark } from './battery.ts';

const NOW = Date.parse('2026-12-02T12:00:00Z');
let n = 0;
/** A fix `ago` ms before NOW (each one later than the one before unless `ago` says otherwise). */
const fix = (battery: number | null, batteryState: location.BatteryState | null = 'unplugged', ago = 60_000 - ++n): location.Sample => {
  const at = new Date(NOW - ago).toISOString();
  return { lat: 0, lon: 0, accuracy: null, altitude: null, speed: null, course: null, battery, batteryState, device: 'phone', fixAt: at, receivedAt: at };
};
/** Runs fixes through the rule from no mark; returns which ones told. */
const run = (levels: [number | null, location.BatteryState | null][], threshold: number | null = 15): boolean[] => {
  let mark: BatteryMark | undefined;
  return levels.map(([b, s]) => {
    const r = judgeBattery(mark, fix(b, s), threshold, NOW);
    mark = r.mark;
    return r.tell;
  });
};

describe('judgeBattery', () => {
  it('tells once when the level reaches the threshold, not again while it keeps falling', () => {
    assert.deepEqual(run([[40, 'unplugged'], [15, 'unplugged'], [12, 'unplugged'], [3, 'unknown']]), [false, true, false, false]);
  });

  it('re-arms when the phone charges, and tells the next discharge', () => {
    assert.deepEqual(run([[10, 'unplugged'], [11, 'charging'], [12, 'unplugged'], [9, 'unplugged']]), [true, false, true, false]);
  });

  it('re-arms only at threshold plus the margin: hovering around it tells once', () => {
    assert.deepEqual(run([[15, 'unplugged'], [16, 'unplugged'], [14, 'unplugged'], [15 + MARGIN - 1, null], [13, null]]), [true, false, false, false, false]);
    assert.deepEqual(run([[15, 'unplugged'], [15 + MARGIN, 'unplugged'], [14, 'unplugged']]), [true, false, true]);
  });

  it('never tells while charging or full, nor with no level, nor with the alert off', () => {
    assert.deepEqual(run([[5, 'charging'], [5, 'full'], [null, 'unplugged']]), [false, false, false]);
    assert.deepEqual(run([[5, 'unplugged']], null), [false]);
  });

  it('an older fix than the one judged changes nothing; a fix from a late backlog does not tell but leaves it armed', () => {
    const first = judgeBattery(undefined, fix(50), 15, NOW);
    const older = judgeBattery(first.mark, fix(5, 'unplugged', 10 * 60_000), 15, NOW);
    assert.deepEqual(older, { mark: first.mark, tell: false });
    const stale = judgeBattery(undefined, fix(5, 'unplugged', RECENT_MS + 1), 15, NOW);
    assert.equal(stale.tell, false);
    assert.equal(judgeBattery(stale.mark, fix(4), 15, NOW).tell, true);
  });
});
