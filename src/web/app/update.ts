/**
 * The service worker's registration, and "Hearth has been updated — Reload" when a new
 * build's worker takes over while a page of the old one is open.
 */
import { signal } from '@preact/signals';

/** True when a newer build is in control and this page still runs the old one. */
export const updateReady = signal(false);

/** Registers `/sw.js` (where the browser has service workers and the page is secure or local). */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  let controlled = !!navigator.serviceWorker.controller;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // The first install takes control of a page that had none: nothing changed for it. Any
    // later change is a new build taking over from the one this page runs.
    if (controlled) updateReady.value = true;
    controlled = true;
  });
  void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined); // no worker: the app works online only
}
