/**
 * News only: an event older than `notifications.max_age_s` when it is consumed (the service
 * was down for days, or a rebuild re-reads the producers' logs) notifies nobody — an
 * "arrived home" from last week is noise, and a rebuild must not buzz phones again.
 */
import type { Envelope } from '../../../src/kit/index.ts';
import type { Deps } from '../deps.ts';

/** True when `e` is recent enough to notify about. */
export const fresh = (e: Envelope, d: Pick<Deps, 'now' | 'settings'>): boolean => Date.parse(e.at) >= d.now() - d.settings.maxAgeMs;
