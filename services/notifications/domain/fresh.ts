/**
 * News only: an event older than `notifications.max_age_s` when it is consumed (the service
 * was down for days, or a rebuild re-reads the producers' logs) notifies nobody — an
 * "arrived home" from last week is noise, and a rebuild must not buzz phones again.
 */
import type { Envelope } from '../../../src/kit/index.ts';

/**
 * True when `e` is recent enough to notify about at `nowMs`.
 *
 * @example
 * fresh({ at: '2026-12-02T10:00:00.000Z' }, Date.parse('2026-12-02T11:00:00.000Z'), 86_400_000); // true
 */
export const fresh = (e: Pick<Envelope, 'at'>, nowMs: number, maxAgeMs: number): boolean => Date.parse(e.at) >= nowMs - maxAgeMs;
