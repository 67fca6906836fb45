/**
 * The app's routes are real URLs (`/map`, `/chat`, `/join/<code>` …), so a link can be
 * shared, reloaded and opened in a new tab; the gateway answers each with the app's page.
 * `route` holds the current path; `navigate` moves without a reload; `link` makes an
 * `<a href>` move the same way (still a real link for the keyboard, screen readers and
 * "open in a new tab").
 */
import { signal } from '@preact/signals';

/** The current path and query. */
export const route = signal({ path: location.pathname, query: new URLSearchParams(location.search) });

/**
 * Goes to `href` (a same-origin path) without reloading.
 *
 * @example
 * navigate('/chat');
 */
export function navigate(href: string, o: { replace?: boolean } = {}): void {
  const url = new URL(href, location.origin);
  if (o.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  route.value = { path: url.pathname, query: url.searchParams };
  // Focus the new view's heading, so a screen reader hears where it arrived.
  queueMicrotask(() => requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1, main h2')?.focus({ preventScroll: true })));
}

/** A click handler for `<a href>`: plain left clicks navigate in place. */
export function link(e: MouseEvent): void {
  const a = (e.currentTarget ?? e.target) as HTMLAnchorElement;
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || a.target === '_blank') return;
  if (a.origin !== location.origin) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
}

window.addEventListener('popstate', () => {
  route.value = { path: location.pathname, query: new URLSearchParams(location.search) };
});
