import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoDuration, parseGoDuration } from './duration.ts';

describe('parseGoDuration', () => {
  const cases: [string, number][] = [
    ['0', 0],
    ['2m', 120_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['1h30m', 5_400_000],
    ['-1s', -1000],
    ['+2s', 2000],
    ['1500us', 1.5],
    ['1500µs', 1.5],
    ['2000000ns', 2],
    ['.5s', 500],
    ['1.s', 1000],
  ];
  for (const [text, ms] of cases) {
    it(`reads "${text}" as ${ms} ms`, () => assert.equal(parseGoDuration(text), ms));
  }

  const errors: [string, string][] = [
    ['', 'time: invalid duration ""'],
    ['1', 'time: missing unit in duration "1"'],
    ['1x', 'time: unknown unit "x" in duration "1x"'],
    ['s', 'time: invalid duration "s"'],
    ['1s2', 'time: missing unit in duration "1s2"'],
    ['.s', 'time: invalid duration ".s"'],
  ];
  for (const [text, message] of errors) {
    it(`refuses "${text}" as Go does`, () => assert.throws(() => parseGoDuration(text), { message }));
  }
});

describe('formatGoDuration', () => {
  it('prints durations as Go does', () => {
    assert.equal(formatGoDuration(10_000), '10s');
    assert.equal(formatGoDuration(120_000), '2m0s');
    assert.equal(formatGoDuration(5_430_500), '1h30m30.5s');
    assert.equal(formatGoDuration(500), '500ms');
    assert.equal(formatGoDuration(0), '0s');
    assert.equal(formatGoDuration(-1000), '-1s');
  });
});
