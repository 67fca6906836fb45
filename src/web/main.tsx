/**
 * The web app's entry, an ordered list: styles → the stored session (the app opens at once
 * as that person, from their cache) → the end of an external sign-in (`/#oidc=<code>`) → what this Hearth is (awaited only on a first visit,
 * to know whether it is new) → render → the service worker, once the page has loaded.
 * Signing in (now or later) loads the profile and groups, opens the live stream and sends
 * anything queued while offline; signing out stops them.
 */
import { effect } from '@preact/signals';
import { render } from 'preact';
import './styles/base.css';
import { resumeOutbox } from './api/outbox.ts';
import { auth, finishExternalSignIn, restore } from './api/session.ts';
import { startStream, stopStream } from './api/stream.ts';
import { App } from './app/app.tsx';
import { registerServiceWorker } from './app/update.ts';
import { loadGroups } from './stores/groups.ts';
import { instance, loadInstance } from './stores/instance.ts';
import { loadMe } from './stores/me.ts';
import './views/index.ts';

restore();
await finishExternalSignIn(); // back from an external provider: its one-time code becomes this session
const fresh = loadInstance().catch(() => undefined); // offline: the cached one
if (!instance.value) await fresh;

let signedIn: string | null = null;
effect(() => {
  const userId = auth.value?.userId ?? null;
  if (userId === signedIn) return;
  signedIn = userId;
  if (!userId) return stopStream();
  void loadMe().catch(() => undefined);
  void loadGroups().catch(() => undefined);
  void resumeOutbox();
  startStream();
});

render(<App />, document.getElementById('app')!);
// The worker caches the whole shell: after the first screen, not in its way.
if (document.readyState === 'complete') registerServiceWorker();
else window.addEventListener('load', registerServiceWorker, { once: true });
