/** What preferences do to a notification: types off and mutes drop it, quiet hours keep it quiet, SOS always through. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activeMutes, DEFAULT_PREFS, inQuietHours, judge, localMinutes, type Prefs } from './preferences.ts';

const G = '01900000-0000-7000-8000-0000000000f1';
const H = '01900000-0000-7000-8000-0000000000f2';
const at = (iso: string) => Date.parse(iso);
const NOON = at('2026-07-01T12:00:00Z');

describe('judge', () => {
  it('lets everything through by default', () => {
    assert.equal(judge(DEFAULT_PREFS, 'place_entered', G, NOON), 'loud');
  });

  it('drops a type that is turned off, and only that type', () => {
    const p: Prefs = { ...DEFAULT_PREFS, types: { place_entered: false, place_left: true } };
    assert.equal(judge(p, 'place_entered', G, NOON), 'drop');
    assert.equal(judge(p, 'place_left', G, NOON), 'loud');
  });

  it('drops what a muted group says until the mute ends', () => {
    const p: Prefs = { ...DEFAULT_PREFS, mutes: [{ groupId: G, until: '2026-07-01T20:00:00.000Z' }] };
    assert.equal(judge(p, 'mention', G, NOON), 'drop');
    assert.equal(judge(p, 'mention', H, NOON), 'loud');
    assert.equal(judge(p, 'mention', G, at('2026-07-01T20:00:00Z')), 'loud');
    assert.deepEqual(activeMutes(p, at('2026-07-01T20:00:01Z')), []);
  });

  it('a mute without an end lasts', () => {
    const p: Prefs = { ...DEFAULT_PREFS, mutes: [{ groupId: G, until: null }] };
    assert.equal(judge(p, 'journey_late', G, at('2036-01-01T00:00:00Z')), 'drop');
  });

  it('keeps notifications quiet during quiet hours', () => {
    const p: Prefs = { ...DEFAULT_PREFS, quietHours: { start: '11:00', end: '13:00', timeZone: 'UTC' } };
    assert.equal(judge(p, 'mention', G, NOON), 'quiet');
    assert.equal(judge(p, 'mention', G, at('2026-07-01T13:00:00Z')), 'loud');
  });

  it('lets SOS through a mute, a switched-off type and quiet hours, loudly', () => {
    const p: Prefs = { mutes: [{ groupId: G, until: null }], types: { sos_raised: false, sos_cleared: false }, quietHours: { start: '00:00', end: '23:59', timeZone: 'UTC' }, watches: [] };
    assert.equal(judge(p, 'sos_raised', G, NOON), 'loud');
    assert.equal(judge(p, 'sos_cleared', G, NOON), 'loud');
    assert.equal(judge(p, 'went_offline', G, NOON), 'drop');
  });
});

describe('quiet hours', () => {
  it('read the clock in the user\u2019s time zone (summer time included)', () => {
    assert.equal(localMinutes(at('2026-07-01T21:30:00Z'), 'Europe/London'), 22 * 60 + 30);
    assert.equal(localMinutes(at('2026-01-01T21:30:00Z'), 'Europe/London'), 21 * 60 + 30);
    assert.equal(localMinutes(at('2026-07-01T21:30:00Z'), 'Asia/Kolkata'), 3 * 60);
  });

  it('span midnight: start inclusive, end exclusive', () => {
    const q = { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' };
    assert.equal(inQuietHours(q, at('2026-07-01T19:59:00Z')), false); // 21:59 in Berlin
    assert.equal(inQuietHours(q, at('2026-07-01T20:00:00Z')), true); // 22:00
    assert.equal(inQuietHours(q, at('2026-07-02T02:00:00Z')), true); // 04:00
    assert.equal(inQuietHours(q, at('2026-07-02T05:00:00Z')), false); // 07:00
  });

  it('are empty when start and end are the same, and absent when unset', () => {
    assert.equal(inQuietHours({ start: '08:00', end: '08:00', timeZone: 'UTC' }, at('2026-07-01T08:00:00Z')), false);
    assert.equal(inQuietHours(null, NOON), false);
  });
});
