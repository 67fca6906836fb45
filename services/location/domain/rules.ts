/**
 * The thresholds of the location domain (configuration `location.*`, in the units the
 * domain uses). Defaults follow the issue: arrival within 50 m, stuck after 10 minutes
 * within 30 m while routing, late once past the expected arrival, offline 60 s after the
 * fix that was expected.
 */

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

/** The defaults. */
export const DEFAULT_RULES: Rules = {
  offlineGraceMs: 60_000,
  maxIntervalMs: 15 * 60_000,
  arrivalRadiusM: 50,
  stuckAfterMs: 10 * 60_000,
  stuckRadiusM: 30,
  lateGraceMs: 0,
  placeHysteresisM: 25,
};
