/**
 * The part of Hearth's configuration the location service reads (`location.*`), through
 * its declaration in src/contracts/settings: the same ranges the configuration is loaded
 * with, and its defaults, so the service also runs with no settings at all.
 */
import { settings } from '../../src/contracts/index.ts';
import { rulesOf, type Rules } from './domain/index.ts';

/** The location service's settings, resolved. */
export interface LocationSettings {
  rules: Rules;
  retentionMs: number;
  /** How far ahead of the server's clock a fix may be stamped (phones' clocks drift). */
  maxFutureMs: number;
  /** How long an unreadable phone message is held (`location.phone_held_days`). */
  heldMs: number;
  /** How many unreadable phone messages one user may have held (`location.phone_held_max`). */
  heldMax: number;
}

/**
 * Reads the location settings out of the host's configuration object.
 *
 * @example
 * readSettings({}).rules.arrivalRadiusM; // 50
 */
export function readSettings(raw: unknown): LocationSettings {
  const { location } = settings.readSettings({ location: settings.location }, raw, 'location.bad_settings', 'location settings');
  return {
    rules: rulesOf(location),
    retentionMs: location.retention_days * 86_400_000,
    maxFutureMs: location.max_future_s * 1000,
    heldMs: location.phone_held_days * 86_400_000,
    heldMax: location.phone_held_max,
  };
}
