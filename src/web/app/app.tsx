/**
 * The whole app: signed out, the welcome screens (first account on a fresh Hearth, sign-in,
 * open registration); signed in, the shell with its views — a chunk of its own (the views
 * and the map library), loaded on sign-in, with the boot screen until it is there.
 * `/join/<code>` works either way.
 */
import { signal } from '@preact/signals';
import type { ComponentType } from 'preact';
import { auth, restoring } from '../api/session.ts';
import { instance } from '../stores/instance.ts';
import { t } from '../strings.ts';
import { FirstGroup } from '../views/welcome/first-group.tsx';
import { Join } from '../views/welcome/join.tsx';
import { Register } from '../views/welcome/register.tsx';
import { SignIn } from '../views/welcome/sign-in.tsx';
import { navigate, route } from './router.ts';
import { Toasts } from './toasts.tsx';

/** The root component. */
export function App() {
  const path = route.value.path;
  if (restoring.value) return <Boot />;
  const join = /^\/join\/([A-Za-z0-9_-]{1,64})\/?$/.exec(path);
  if (join) return <Welcome><Join code={join[1]!} /></Welcome>;
  if (!auth.value) return <Welcome>{signedOut(path)}</Welcome>;
  const Shell = shell.value;
  if (!Shell) {
    void loadShell();
    return <Boot />;
  }
  return <Shell />;
}

const shell = signal<ComponentType | null>(null);
let loading: Promise<void> | undefined;

/** Loads the signed-in app's chunk once (the page already fetched it: modulepreload). */
function loadShell(): Promise<void> {
  loading ??= import('./shell.tsx').then((m) => void (shell.value = m.Shell));
  return loading;
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
