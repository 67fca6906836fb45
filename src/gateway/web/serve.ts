/**
 * Serves the web app at `/`, on the API's origin: hashed assets for a year (`immutable`),
 * the page, manifest, icons and service worker revalidated every time (`no-cache` with an
 * ETag, so a new build is picked up at once); brotli or gzip when the browser takes it.
 * Any other GET that a browser makes for a page (`Accept: text/html`) outside the API's
 * paths gets the page, so `/join/<code>`, `/chat` … open the app at that view; everything
 * else falls through to the API's JSON 404.
 */
import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../context.ts';
import type { WebAsset, WebAssets } from './assets.ts';
import { webHeaders } from './headers.ts';

/** The server's own paths: never answered with the app. */
const API = /^\/(v1|\.well-known)(\/|$)|^\/(healthz|readyz|metrics)$/;

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Hearth</title><p>The web app is not built. Run <code>npm run build:web</code> (npm start, npm test and npm run build do it for you).</p>`;

/**
 * The middleware (before the API's routes).
 *
 * @example
 * app.use('*', serveWebApp(await loadWebAssets(), settings.tileUrl));
 */
export function serveWebApp(web: WebAssets | undefined, tileUrl: string): MiddlewareHandler<GatewayEnv> {
  const headers = webHeaders(tileUrl);
  return async (c, next) => {
    const method = c.req.method;
    const path = c.req.path;
    if ((method !== 'GET' && method !== 'HEAD') || API.test(path)) return next();
    const exact = web?.files.get(path === '/' ? '/index.html' : path);
    const page = !exact && wantsPage(c.req.header('accept'), path) ? web?.files.get('/index.html') : undefined;
    const asset = exact ?? page;
    if (!asset) {
      if (!web && wantsPage(c.req.header('accept'), path)) return c.html(NOT_BUILT, 503, headers);
      return next();
    }
    c.set('route', asset === page || path === '/' ? '(web app page)' : '(web app file)');
    return answer(asset, path === '/sw.js', c.req.header('if-none-match'), c.req.header('accept-encoding'), method === 'HEAD', headers);
  };
}

/** A page request for a client-side route: a browser asking for HTML at a path without a file extension. */
function wantsPage(accept: string | undefined, path: string): boolean {
  return !!accept?.includes('text/html') && !/\.[a-z0-9]+$/i.test(path);
}

function answer(a: WebAsset, worker: boolean, ifNoneMatch: string | undefined, acceptEncoding: string | undefined, head: boolean, security: Record<string, string>): Response {
  const h = new Headers(security);
  h.set('content-type', a.type);
  h.set('cache-control', a.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  h.set('etag', a.etag);
  h.set('vary', 'accept-encoding');
  if (worker) h.set('service-worker-allowed', '/');
  if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === a.etag)) return new Response(null, { status: 304, headers: h });
  const enc = pickEncoding(acceptEncoding, a);
  const body = enc === 'br' ? a.br! : enc === 'gzip' ? a.gzip! : a.body;
  if (enc) h.set('content-encoding', enc);
  h.set('content-length', String(body.byteLength));
  return new Response(head ? null : (body as Uint8Array<ArrayBuffer>), { status: 200, headers: h });
}

/** `br` or `gzip` when the client takes it (and the file has it), else identity. */
export function pickEncoding(acceptEncoding: string | undefined, a: Pick<WebAsset, 'br' | 'gzip'>): 'br' | 'gzip' | undefined {
  const offered = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
    offered.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (n: string) => (offered.get(n) ?? offered.get('*') ?? 0) > 0;
  if (a.br && ok('br')) return 'br';
  if (a.gzip && ok('gzip')) return 'gzip';
  return undefined;
}
