/** `users`: who may register, how long tokens live, and how exports are made and kept. Read by the users service and the gateway. */
import { RegistrationMode } from '../users.ts';
import { section, setting } from './declare.ts';
import { days, int, oneOf, seconds } from './rules.ts';

/** The `users` section. */
export const users = section({
  registration: setting(oneOf(RegistrationMode.options), 'invite-only',
    '`open` (anyone may register), `invite-only` (an invite code is needed; the first account needs none and becomes the admin) or `closed`'),
  access_token_ttl_s: setting(seconds(60, 3600), 900,
    'lifetime of an access token (JWT), seconds; the gateway refuses any token whose `exp − iat` is longer than this + 30 s (clock tolerance), so a stolen signing key cannot mint long-lived tokens'),
  refresh_token_ttl_days: setting(days(1, 365), 30, 'a session ends after this many days without a refresh'),
  deletion_grace_s: setting(seconds(0, 30 * 86400), 0,
    'after someone asks to delete their account, seconds before the erasure begins; signing in again within them cancels the deletion (0: erasure begins at once, and signing in is refused from the start)'),
  export_link_hours: setting(int(1, 720, 'an integer number of hours from 1 to 720'), 24,
    'how long the download of "Export my data" stays available, hours; then the archive is deleted from `<data>/exports`'),
  export_page_rows: setting(int(10, 5000), 500,
    'the most records the export asks a service for at once (a page also stops near 256 KiB); smaller pages use less memory, larger ones finish sooner'),
});
