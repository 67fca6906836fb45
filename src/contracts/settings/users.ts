/** `users`: who may register, and how long tokens live. Read by the users service and the gateway. */
import { RegistrationMode } from '../users.ts';
import { section, setting } from './declare.ts';
import { days, oneOf, seconds } from './rules.ts';

/** The `users` section. */
export const users = section({
  registration: setting(oneOf(RegistrationMode.options), 'invite-only',
    '`open` (anyone may register), `invite-only` (an invite code is needed; the first account needs none and becomes the admin) or `closed`'),
  access_token_ttl_s: setting(seconds(60, 3600), 900,
    'lifetime of an access token (JWT), seconds; the gateway refuses any token whose `exp − iat` is longer than this + 30 s (clock tolerance), so a stolen signing key cannot mint long-lived tokens'),
  refresh_token_ttl_days: setting(days(1, 365), 30, 'a session ends after this many days without a refresh'),
  deletion_grace_s: setting(seconds(0, 30 * 86400), 0,
    'after someone asks to delete their account, seconds before the erasure begins; signing in again within them cancels the deletion (0: erasure begins at once, and signing in is refused from the start)'),
});
