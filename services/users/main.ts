/**
 * The users service: accounts, sessions and access tokens, app passwords, groups and
 * invites. Its events (`evt.users.*`) are what every other service builds its view of
 * users and group membership from. Its clock is `api.now()`: tests that move it (invite
 * and session expiry) pass `now` in the run options.
 */
import { users } from '../../src/contracts/index.ts';
import { defineService } from '../../src/kit/index.ts';
import type { Deps } from './deps.ts';
import { handleAppPasswords } from './handlers/app-passwords.ts';
import { handleDeleteAccount } from './handlers/delete-account.ts';
import { handleDeleteGroup } from './handlers/delete-group.ts';
import { handleExport } from './handlers/export.ts';
import { handleFaces } from './handlers/faces.ts';
import { handleGroups } from './handlers/groups.ts';
import { handleInstance } from './handlers/instance.ts';
import { handleInvites } from './handlers/invites.ts';
import { handleKeys } from './handlers/keys.ts';
import { handleMembership } from './handlers/membership.ts';
import { handleProfile } from './handlers/profile.ts';
import { handleRegister } from './handlers/register.ts';
import { handleSessions } from './handlers/sessions.ts';
import { handleSignIn } from './handlers/sign-in.ts';
import { handleExternalSignIn } from './handlers/external-sign-in.ts';
import { handleTwoFactor } from './handlers/two-factor.ts';
import { migrations } from './migrations.ts';
import { mountAccountDeletion } from './sagas/account-deletion.ts';
import { SigningKeys } from './secrets/signing-keys.ts';
import { readSettings } from './settings.ts';

/**
 * The users service.
 *
 * @example
 * let offset = 0;
 * const svc = await runService(users, { ...options, now: () => Date.now() + offset });
 * offset = 3600_000; // an hour later, as far as the service can tell
 */
export default defineService({
  name: 'users',
  migrations,
  async setup(api) {
    const settings = readSettings(api.settings);
    const keys = new SigningKeys(api.db, { issuer: settings.issuer, ttlS: settings.accessTtlS, now: () => api.now() });
    await keys.ensure(); // before any handler listens: a sign-in must always find a key
    // `accountDeletion` is set right after: the saga's steps are built from `d` itself.
    const d = { api, db: api.db, settings, keys } as Deps;
    d.accountDeletion = mountAccountDeletion(d);
    for (const register of [handleRegister, handleSignIn, handleExternalSignIn, handleSessions, handleProfile, handleDeleteAccount, handleAppPasswords, handleTwoFactor, handleKeys, handleGroups, handleDeleteGroup, handleInvites, handleMembership, handleInstance, handleFaces, handleExport]) {
      register(d);
    }
    api.report('issuer', settings.issuer);
    api.report('registration', settings.registration);
    // How many accounts exist: "0" makes the supervisor's banner show the first-run step.
    const countAccounts = async () => {
      const [row] = await api.db.query('SELECT count(*) AS n FROM users');
      api.report('accounts', String(row?.n ?? 0));
    };
    await countAccounts();
    for (const type of [users.UserRegistered, users.UserDeleted]) api.subscribe(type.subject, () => void countAccounts());
  },
});
