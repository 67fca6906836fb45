/**
 * The first middleware: gives each request its id (a valid `X-Request-Id` from the client,
 * else a new UUIDv7) and client IP, and on the way out echoes the id, adds the API version
 * header, counts the request in the metrics and logs it. The two headers are set before
 * the handler runs, so every response made with the context (`c.json`, `c.body`) is born
 * with them; only a response made otherwise (a problem, a file) gets them afterwards —
 * `c.header` on a finished response rebuilds it around a web stream, which under
 * @hono/node-server cost more than the rest of this middleware (docs/benchmarks.md, #18).
 */
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { uuidv7 } from '../../kit/index.ts';
import type { GatewayEnv } from '../context.ts';
import type { GatewayDeps } from '../deps.ts';
import { clientIp, peerAddress } from './client-ip.ts';

/** The API version every response names. */
export const API_VERSION = '1';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Sets up the request's context and finishes its response. */
export function requestContext(deps: Pick<GatewayDeps, 'settings' | 'metrics' | 'log'>): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const started = performance.now();
    const given = c.req.header('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : uuidv7();
    c.set('requestId', requestId);
    c.set('ip', clientIp(peerAddress(c), c.req.header('x-forwarded-for'), deps.settings.trustedProxies));
    c.header('X-Request-Id', requestId);
    c.header('Hearth-API-Version', API_VERSION);
    await next();
    const headers = c.res.headers;
    if (headers.get('x-request-id') !== requestId) c.header('X-Request-Id', requestId);
    if (headers.get('hearth-api-version') !== API_VERSION) c.header('Hearth-API-Version', API_VERSION);
    // Routes of the table name themselves; others (the stream's) are found among the matches.
    const route = c.get('route') ?? [...matchedRoutes(c)].reverse().find((r) => r.method !== 'ALL')?.path ?? 'unmatched';
    const seconds = (performance.now() - started) / 1000;
    deps.metrics.observe(route, c.req.method, c.res.status, seconds);
    const code = c.get('errorCode');
    if (code) deps.metrics.error(route, code);
    deps.log.debug('http', { method: c.req.method, route, status: c.res.status, ms: Math.round(seconds * 1000), request_id: c.get('requestId') });
  };
}
