/**
 * The account view (`/account`): my name and picture, password, two-factor sign-in, where I am signed in,
 * app passwords and the OwnTracks settings, downloading my data, signing out, deleting my account — and, for
 * the person who runs this Hearth, the way to its Instance page (not in the main nav).
 */
import { signOut } from '../../api/session.ts';
import { link } from '../../app/router.ts';
import { me } from '../../stores/me.ts';
import { t } from '../../strings.ts';
import { AppPasswords } from './app-passwords.tsx';
import { DeleteAccount } from './delete-account.tsx';
import { ExportData } from './export.tsx';
import { OwnTracks } from './owntracks.tsx';
import { PasswordForm } from './password.tsx';
import { Profile } from './profile.tsx';
import { RevealedPassword } from './revealed-password.tsx';
import { Sessions } from './sessions.tsx';
import { TwoFactor } from './two-factor.tsx';
import './account.css';

/** The account view. */
export function AccountView() {
  const profile = me.value;
  return (
    <section class="view account-view" aria-labelledby="account-title" aria-busy={!profile}>
      <h1 id="account-title" tabIndex={-1}>
        {t.account.title}
      </h1>
      {!profile && <p class="hint">{t.app.loading}</p>}
      {profile?.admin && (
        <section class="section card" aria-labelledby="instance-title">
          <h2 id="instance-title">{t.account.instanceTitle}</h2>
          <p class="hint">{t.account.instanceLead}</p>
          <a class="btn" href="/admin" onClick={link}>
            {t.account.instanceLink}
          </a>
        </section>
      )}
      {profile && <Profile key={profile.id} profile={profile} />}
      <PasswordForm />
      <TwoFactor />
      <Sessions />
      <AppPasswords />
      <OwnTracks />
      <ExportData />
      <section class="section" aria-labelledby="signout-title">
        <h2 id="signout-title">{t.account.signOutTitle}</h2>
        <div class="row">
          <button type="button" class="btn" onClick={() => void signOut()}>
            {t.account.signOut}
          </button>
          <button type="button" class="btn" aria-describedby="signout-everywhere-hint" onClick={() => void signOut(true)}>
            {t.account.signOutEverywhere}
          </button>
        </div>
        <p class="hint" id="signout-everywhere-hint">
          {t.account.signOutEverywhereHint}
        </p>
      </section>
      <DeleteAccount />
      <RevealedPassword />
    </section>
  );
}
