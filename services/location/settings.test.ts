import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RULES } from './domain/index.ts';
import { readSettings } from './settings.ts';

describe('location settings', () => {
  it('takes the defaults of config/defaults.json when nothing is set, the domain\'s DEFAULT_RULES among them', () => {
    const s = readSettings(undefined);
    assert.deepEqual(s.rules, DEFAULT_RULES);
    assert.deepEqual(s.rules, {
      offlineGraceMs: 60_000, maxIntervalMs: 900_000, arrivalRadiusM: 50, stuckAfterMs: 600_000, stuckRadiusM: 30, lateGraceMs: 0, placeHysteresisM: 25,
    });
    assert.equal(s.retentionMs, 30 * 86_400_000);
    assert.equal(s.maxFutureMs, 300_000);
  });

  it('reads the location section in the units the domain uses', () => {
    const s = readSettings({ location: { arrival_radius_m: 100, offline_grace_s: 5, retention_days: 1 } });
    assert.deepEqual([s.rules.arrivalRadiusM, s.rules.offlineGraceMs, s.retentionMs], [100, 5000, 86_400_000]);
  });

  // The configuration refuses these when it loads; the service, handed them directly, did not.
  for (const [key, value] of [['arrival_radius_m', 50.5], ['offline_grace_s', 1.5], ['retention_days', 1.5], ['max_future_s', 2.25]] as const) {
    it(`refuses a non-integer ${key}, as the configuration does`, () => {
      assert.throws(() => readSettings({ location: { [key]: value } }), { code: 'location.bad_settings' });
    });
  }

  it('refuses values out of range', () => {
    assert.throws(() => readSettings({ location: { arrival_radius_m: 4 } }), { code: 'location.bad_settings' });
    assert.throws(() => readSettings({ location: { stuck_after_s: 86_401 } }), { code: 'location.bad_settings' });
  });
});
