/**
 * The part of Hearth's configuration the notifications service reads (`notifications.*`),
 * through its declaration in src/contracts/settings: the ranges the configuration is loaded
 * with, and its defaults, so the service also runs with no settings at all.
 */
import { settings } from '../../src/contracts/index.ts';

/** The notifications service's settings, resolved. */
export interface NotificationSettings {
  /** Events older than this when they are consumed notify nobody (a long outage, a rebuild). */
  maxAgeMs: number;
  /** Notifications older than this are erased. */
  retentionMs: number;
  forwardTimeoutMs: number;
  forwardMaxAttempts: number;
  /** Where the family reaches the web app (`public_url`, or `https://<https.address>` / `http://<http>` when that is empty; no trailing slash): the base of links in forwarded messages. */
  publicUrl: string;
}

/**
 * Reads the notifications settings out of the host's configuration object.
 *
 * @example
 * readSettings({}).maxAgeMs; // 86 400 000
 */
export function readSettings(raw: unknown): NotificationSettings {
  const s = settings.readSettings(
    { notifications: settings.notifications, public_url: settings.public_url, http: settings.http, https: settings.section({ address: settings.https.entries.address }) },
    raw, 'notifications.bad_settings', 'notifications settings',
  );
  const c = s.notifications;
  return {
    maxAgeMs: c.max_age_s * 1000,
    retentionMs: c.retention_days * 86_400_000,
    forwardTimeoutMs: c.forward_timeout_s * 1000,
    forwardMaxAttempts: c.forward_max_attempts,
    publicUrl: settings.publicUrlOf(s),
  };
}
