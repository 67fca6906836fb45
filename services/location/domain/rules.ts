/**
 * The thresholds of the location domain: configuration `location.*` (declared in
 * src/contracts/settings, with its defaults) in the units the domain uses. Defaults
 * follow the issue: arrival within 50 m, stuck after 10 minutes within 30 m while routing,
 * late once past the expected arrival, offline 60 s after the fix that was expected.
 */
import { settings } from '../../../src/contracts/index.ts';

/** Thresholds, in metres and milliseconds. */
export interface Rules {
  /** Grace after the moment the next fix was expected before the member counts as offline. */
  offlineGraceMs: number;
  /** The longest reporting interval a phone is credited with (a parked phone reports rarely). */
  maxIntervalMs: number;
  arrivalRadiusM: number;
  stuckAfterMs: number;
  stuckRadiusM: number;
  /** How long past the expected arrival a journey counts as late. */
  lateGraceMs: number;
  /** How far past a place's radius a member must be before they have left it. */
  placeHysteresisM: number;
}

/** The `location` section, as configured (seconds and metres). */
export type LocationSection = settings.ValuesOf<typeof settings.location>;

/**
 * The thresholds a `location` section sets.
 *
 * @example
 * rulesOf(settings.defaultsOf(settings.location)).offlineGraceMs; // 60_000
 */
export function rulesOf(l: LocationSection): Rules {
  return {
    offlineGraceMs: l.offline_grace_s * 1000,
    maxIntervalMs: l.max_report_interval_s * 1000,
    arrivalRadiusM: l.arrival_radius_m,
    stuckAfterMs: l.stuck_after_s * 1000,
    stuckRadiusM: l.stuck_radius_m,
    lateGraceMs: l.late_grace_s * 1000,
    placeHysteresisM: l.place_hysteresis_m,
  };
}

/** The defaults (the declaration's). */
export const DEFAULT_RULES: Rules = rulesOf(settings.defaultsOf(settings.location));
