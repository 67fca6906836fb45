/**
 * The whole app: while the stored session is tried, the boot screen; signed out, the
 * welcome screens (first account on a fresh Hearth, sign-in, open registration); signed in,
 * the shell with its views. `/join/<code>` works either way.
 */
import { auth, restoring } from '../api/session.ts';
import { instance } from '../stores/instance.ts';
import { t } from '../strings.ts';
import { FirstGroup } from '../views/welcome/first-group.tsx';
import { Join } from '../views/welcome/join.tsx';
import { Register } from '../views/welcome/register.tsx';
import { SignIn } from '../views/welcome/sign-in.tsx';
import { navigate, route } from './router.ts';
import { Shell } from './shell.tsx';
import { Toasts } from './toasts.tsx';

/** The root component. */
export function App() {
  const path = route.value.path;
  if (restoring.value) return <Boot />;
  const join = /^\/join\/([A-Za-z0-9_-]{1,64})\/?$/.exec(path);
  if (join) return <Welcome><Join code={join[1]!} /></Welcome>;
  if (!auth.value) return <Welcome>{signedOut(path)}</Welcome>;
  return <Shell />;
}

function signedOut(path: string) {
  const i = instance.value;
  if (i?.setupNeeded) {
    return <Register title={t.auth.setupTitle} lead={t.auth.setupLead} submit={t.auth.setupSubmit} onDone={() => navigate('/map', { replace: true })} />;
  }
  if (path === '/register' && i?.registration === 'open') {
    return (
      <Register
        title={t.auth.registerTitle}
        submit={t.auth.register}
        onDone={() => navigate('/map', { replace: true })}
        footer={
          <p class="alt">
            <a href="/" onClick={(e) => (e.preventDefault(), navigate('/'))}>
              {t.auth.haveAccount}
            </a>
          </p>
        }
      />
    );
  }
  return <SignIn />;
}

function Welcome({ children }: { children: preact.ComponentChildren }) {
  return (
    <div class="welcome">
      <main id="main">
        <p class="brand">
          <img src="/icons/icon.svg" alt="" width="40" height="40" />
          <span>{t.app.name}</span>
        </p>
        {children}
      </main>
      <Toasts />
    </div>
  );
}

function Boot() {
  return (
    <div class="boot" aria-busy="true">
      <img src="/icons/icon.svg" alt="" width="72" height="72" />
      <p>{t.app.loading}</p>
    </div>
  );
}

export { FirstGroup };
