/**
 * CORS from `gateway.cors_origins`: none (no headers at all), `*`, or a list of exact
 * origins. Browsers may send the headers the API reads and see the ones it sets.
 */
import type { MiddlewareHandler } from 'hono';
import { cors as honoCors } from 'hono/cors';
import type { GatewayEnv } from '../context.ts';

/** The CORS middleware, or undefined when CORS is off. */
export function corsFor(origins: '*' | readonly string[]): MiddlewareHandler<GatewayEnv> | undefined {
  if (origins !== '*' && origins.length === 0) return undefined;
  return honoCors({
    origin: origins === '*' ? '*' : (origin) => (origins.includes(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id', 'Last-Event-ID'],
    exposeHeaders: ['X-Request-Id', 'Retry-After', 'Idempotent-Replayed', 'Hearth-API-Version', 'Allow', 'Deprecation', 'Sunset', 'Link'],
    maxAge: 600,
  });
}
