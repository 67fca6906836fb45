import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backupName, parseName, type NameInfo } from './names.ts';
import { isoWeekOf, retention } from './retention.ts';

/** A backup at a local time (year, month 1–12, day, hour): the rules count local days. */
function at(y: number, m: number, d: number, h = 3, min = 30, failed = false): NameInfo {
  const name = backupName(new Date(y, m - 1, d, h, min), false) + (failed ? '.failed' : '');
  return parseName(name)!;
}

const names = (xs: NameInfo[]) => xs.map((x) => x.name);

describe('retention', () => {
  it('keeps the newest backup of each of the last N days that have one', () => {
    const b = [at(2026, 12, 1, 3), at(2026, 12, 1, 15), at(2026, 12, 2, 3), at(2026, 12, 2, 9), at(2026, 12, 3, 3), at(2026, 11, 20)];
    const plan = retention(b, { daily: 3, weekly: 0, monthly: 0 }, new Date(2026, 11, 3, 12));
    assert.deepEqual(plan.keep.sort(), names([b[1]!, b[3]!, b[4]!]).sort());
    assert.deepEqual(plan.remove.sort(), names([b[0]!, b[2]!, b[5]!]).sort());
  });

  it('counts days that have a backup, so a Hearth switched off for weeks keeps its dailies', () => {
    const b = [at(2026, 10, 1), at(2026, 10, 2), at(2026, 10, 3), at(2026, 12, 1)];
    const plan = retention(b, { daily: 3, weekly: 0, monthly: 0 }, new Date(2026, 11, 1, 12));
    assert.deepEqual(plan.keep.sort(), names([b[1]!, b[2]!, b[3]!]).sort());
    assert.deepEqual(plan.remove, names([b[0]!]));
  });

  it('keeps the newest of each ISO week and of each month; a backup kept by any rule stays', () => {
    // Mon 30 Nov … Sun 6 Dec 2026 is one ISO week (2026-W49); 29 Nov is W48's Sunday.
    const b = [at(2026, 11, 23), at(2026, 11, 29), at(2026, 11, 30), at(2026, 12, 2), at(2026, 12, 6), at(2026, 12, 7), at(2026, 10, 15), at(2026, 10, 31)];
    const weekly = retention(b, { daily: 0, weekly: 3, monthly: 0 }, new Date(2026, 11, 7, 12));
    assert.deepEqual(weekly.keep.sort(), names([b[1]!, b[4]!, b[5]!]).sort()); // W48, W49, W50
    const monthly = retention(b, { daily: 0, weekly: 0, monthly: 2 }, new Date(2026, 11, 7, 12));
    assert.deepEqual(monthly.keep.sort(), names([b[2]!, b[5]!]).sort()); // November's newest (the 30th), December's
    const both = retention(b, { daily: 1, weekly: 0, monthly: 3 }, new Date(2026, 11, 7, 12));
    assert.deepEqual(both.keep.sort(), names([b[2]!, b[5]!, b[7]!]).sort());
  });

  it('never removes the newest good backup, even with every rule at zero', () => {
    const b = [at(2026, 12, 1), at(2026, 12, 2), at(2026, 12, 3, 3, 30, true)];
    const plan = retention(b, { daily: 0, weekly: 0, monthly: 0 }, new Date(2026, 11, 3, 12));
    assert.deepEqual(plan.keep.sort(), names([b[1]!, b[2]!]).sort());
    assert.deepEqual(plan.remove, names([b[0]!]));
  });

  it('removes a failed backup after a day, and a failed one is never what keeps a period', () => {
    const b = [at(2026, 12, 1, 3), at(2026, 12, 1, 4, 0, true), at(2026, 12, 2, 3, 0, true), at(2026, 12, 2, 20, 0, true)];
    const plan = retention(b, { daily: 7, weekly: 0, monthly: 0 }, new Date(2026, 11, 3, 10));
    assert.deepEqual(plan.keep.sort(), names([b[0]!, b[3]!]).sort());
    assert.deepEqual(plan.remove.sort(), names([b[1]!, b[2]!]).sort());
  });

  it('keeps nothing that is not there and removes nothing from an empty list', () => {
    assert.deepEqual(retention([], { daily: 7, weekly: 4, monthly: 6 }, new Date()), { keep: [], remove: [] });
  });
});

describe('isoWeekOf', () => {
  it('follows ISO 8601 at year ends', () => {
    assert.equal(isoWeekOf(new Date(2026, 11, 31)), '2026-W53'); // Thursday
    assert.equal(isoWeekOf(new Date(2027, 0, 3)), '2026-W53'); // Sunday of the same week
    assert.equal(isoWeekOf(new Date(2027, 0, 4)), '2027-W01');
    assert.equal(isoWeekOf(new Date(2024, 11, 30)), '2025-W01');
    assert.equal(isoWeekOf(new Date(2026, 11, 2)), '2026-W49');
  });
});
