/**
 * The part of Hearth's configuration the notifications service reads (`notifications.*`),
 * checked with its own schema; missing keys take the defaults, so the service also runs
 * with no settings at all.
 */
import * as v from 'valibot';
import { check } from '../../src/kit/index.ts';

const n = (min: number, max: number, dflt: number) => v.optional(v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max)), dflt);

const Schema = v.looseObject({
  notifications: v.optional(
    v.looseObject({
      max_age_s: n(60, 30 * 86_400, 86_400),
      retention_days: n(1, 3650, 90),
      forward_timeout_s: n(1, 120, 10),
      forward_max_attempts: n(1, 50, 8),
    }),
    {},
  ),
});

/** The notifications service's settings, resolved. */
export interface NotificationSettings {
  /** Events older than this when they are consumed notify nobody (a long outage, a rebuild). */
  maxAgeMs: number;
  /** Notifications older than this are erased. */
  retentionMs: number;
  forwardTimeoutMs: number;
  forwardMaxAttempts: number;
}

/**
 * Reads the notifications settings out of the host's configuration object.
 *
 * @example
 * readSettings({}).maxAgeMs; // 86 400 000
 */
export function readSettings(settings: unknown): NotificationSettings {
  const s = check(Schema, settings ?? {}, 'notifications.bad_settings', 'notifications settings');
  const c = s.notifications as Record<string, number>;
  return {
    maxAgeMs: c.max_age_s! * 1000,
    retentionMs: c.retention_days! * 86_400_000,
    forwardTimeoutMs: c.forward_timeout_s! * 1000,
    forwardMaxAttempts: c.forward_max_attempts!,
  };
}
