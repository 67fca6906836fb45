/** `notifications`: how old an event may be to notify, how long inboxes keep, forwarding limits. */
import { section, setting } from './declare.ts';
import { days, int, seconds } from './rules.ts';

/** The `notifications` section. */
export const notifications = section({
  max_age_s: setting(seconds(60, 2_592_000, ' (30 days)'), 86_400,
    'an event older than this when the notifications service reads it (after a long outage, or in a rebuild) notifies nobody'),
  retention_days: setting(days(1, 3650), 90, 'notifications older than this are erased from inboxes, hourly'),
  forward_timeout_s: setting(seconds(1, 120), 10, 'how long one POST to an ntfy topic or webhook may take'),
  forward_max_attempts: setting(int(1, 50), 8,
    'attempts per forwarded notification before it is marked failed (retries back off from 5 s to 1 h)'),
});
