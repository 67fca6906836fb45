/**
 * The part of Hearth's configuration the location service reads (`location.*`), checked
 * with its own schema; missing keys take the defaults of config/defaults.json, so the
 * service also runs with no settings at all.
 */
import * as v from 'valibot';
import { check } from '../../src/kit/index.ts';
import type { Rules } from './domain/index.ts';

const n = (min: number, max: number, dflt: number) => v.optional(v.pipe(v.number(), v.minValue(min), v.maxValue(max)), dflt);

const Schema = v.looseObject({
  location: v.optional(
    v.looseObject({
      offline_grace_s: n(1, 86_400, 60),
      max_report_interval_s: n(0, 86_400, 900),
      arrival_radius_m: n(5, 10_000, 50),
      stuck_after_s: n(10, 86_400, 600),
      stuck_radius_m: n(5, 10_000, 30),
      late_grace_s: n(0, 86_400, 0),
      place_hysteresis_m: n(0, 10_000, 25),
      retention_days: n(1, 3650, 30),
      max_future_s: n(0, 86_400, 300),
    }),
    {},
  ),
});

/** The location service's settings, resolved. */
export interface LocationSettings {
  rules: Rules;
  retentionMs: number;
  /** How far ahead of the server's clock a fix may be stamped (phones' clocks drift). */
  maxFutureMs: number;
}

/**
 * Reads the location settings out of the host's configuration object.
 *
 * @example
 * readSettings({}).rules.arrivalRadiusM; // 50
 */
export function readSettings(settings: unknown): LocationSettings {
  const s = check(Schema, settings ?? {}, 'location.bad_settings', 'location settings');
  const l = s.location as Record<string, number>;
  return {
    rules: {
      offlineGraceMs: l.offline_grace_s! * 1000,
      maxIntervalMs: l.max_report_interval_s! * 1000,
      arrivalRadiusM: l.arrival_radius_m!,
      stuckAfterMs: l.stuck_after_s! * 1000,
      stuckRadiusM: l.stuck_radius_m!,
      lateGraceMs: l.late_grace_s! * 1000,
      placeHysteresisM: l.place_hysteresis_m!,
    },
    retentionMs: l.retention_days! * 86_400_000,
    maxFutureMs: l.max_future_s! * 1000,
  };
}
