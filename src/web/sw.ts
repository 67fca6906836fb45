/**
 * The service worker: keeps the app shell (the hashed scripts and styles, icons, manifest
 * and the page) in a cache named after the build, so the app opens without a network.
 * Pages are asked of the network first and fall back to the cached page only when it
 * cannot answer (HTML is never served stale while the server is reachable); hashed assets
 * come from the cache. The API (`/v1/…`) is never touched here: the app keeps its own
 * last known state and queues its sends (src/web/api/outbox.ts).
 *
 * A new build has a new version, so its worker installs a new cache, takes over at once
 * and deletes the old one; the page then offers to reload (src/web/app/update.ts).
 */
/// <reference lib="webworker" />

declare const __BUILD__: string;
declare const __SHELL__: string[];
declare const self: ServiceWorkerGlobalScope;

const CACHE = `hearth-shell-${__BUILD__}`;
const PAGE = '/index.html';
/** Paths that are the server's, never the shell's. */
const SERVER = /^\/(v1|\.well-known)\/|^\/(healthz|readyz|metrics)$/;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll([PAGE, ...__SHELL__].map((u) => new Request(u, { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith('hearth-shell-') && name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || SERVER.test(url.pathname) || url.pathname === '/sw.js') return;
  if (req.mode === 'navigate') {
    event.respondWith(page(req));
    return;
  }
  event.respondWith(fromCache(req));
});

/** The network's page; the cached one when the network cannot answer. */
async function page(req: Request): Promise<Response> {
  try {
    return await fetch(req);
  } catch {
    const cached = await caches.match(PAGE, { cacheName: CACHE });
    return cached ?? Response.error();
  }
}

/** A shell file from the cache, else from the network. */
async function fromCache(req: Request): Promise<Response> {
  const cached = await caches.match(req, { cacheName: CACHE, ignoreSearch: true });
  return cached ?? fetch(req);
}
