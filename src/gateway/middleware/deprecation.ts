/**
 * What a deprecated route (route-spec.ts, `deprecated`) says on every answer, success or
 * problem alike:
 *
 *   Deprecation: @1798761600                      RFC 9745 §2: a structured-field Date (Unix seconds)
 *   Sunset: Thu, 01 Jul 2027 00:00:00 GMT         RFC 8594 §3: an HTTP-date
 *   Link: <…>; rel="deprecation"                  RFC 9745 §3 (and `<…>; rel="sunset"`, RFC 8594 §6, when given)
 *
 * The middleware sits right after the request context, outside everything that can refuse a
 * request, so a 401, 413 or 429 from a deprecated route says so too. Each notice is checked
 * when the app is built: a bad date or link fails the start, never a request.
 */
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { GatewayEnv } from '../context.ts';
import type { AnyRoute, Deprecation } from '../route-spec.ts';

/** A checked deprecation: its dates (whole seconds, as the headers carry them) and its headers. */
export interface DeprecationNotice {
  since: Date;
  sunset: Date;
  headers: Readonly<Record<'Deprecation' | 'Sunset' | 'Link', string>>;
}

// A date, or a date-time with its zone (one without would be read in the machine's local time).
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;
// Characters a URI reference may hold (RFC 3986); nothing that could end the `<…>` or the header.
const URI_REFERENCE = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;

/**
 * Checks a route's deprecation and renders its headers; throws on a date that is not ISO
 * 8601, a sunset before the deprecation (RFC 9745 §4), or a link that is not a URI reference.
 *
 * @example
 * deprecationNotice({ since: '2027-01-01', sunset: '2027-07-01', link: 'https://hearth.example/docs/api#v2' }).headers;
 * // { Deprecation: '@1798761600', Sunset: 'Thu, 01 Jul 2027 00:00:00 GMT', Link: '<https://hearth.example/docs/api#v2>; rel="deprecation"' }
 */
export function deprecationNotice(d: Deprecation): DeprecationNotice {
  const since = wholeSeconds(d.since, 'since');
  const sunset = wholeSeconds(d.sunset, 'sunset');
  if (sunset < since) throw new Error(`deprecated.sunset (${d.sunset}) is before deprecated.since (${d.since})`);
  const links = [`<${uri(d.link, 'link')}>; rel="deprecation"`];
  if (d.sunsetLink !== undefined) links.push(`<${uri(d.sunsetLink, 'sunsetLink')}>; rel="sunset"`);
  return {
    since,
    sunset,
    headers: { Deprecation: `@${since.getTime() / 1000}`, Sunset: sunset.toUTCString(), Link: links.join(', ') },
  };
}

/**
 * The middleware adding each deprecated route's headers to its answers; undefined when no
 * route of `routes` is deprecated (then nothing runs per request).
 */
export function deprecationHeaders(routes: readonly AnyRoute[]): MiddlewareHandler<GatewayEnv> | undefined {
  const byRoute = new Map<string, DeprecationNotice['headers']>();
  for (const r of routes) if (r.deprecated) byRoute.set(`${r.method} ${r.path}`, deprecationNotice(r.deprecated).headers);
  if (byRoute.size === 0) return undefined;
  return async (c, next) => {
    await next();
    // The route the router matched, whether or not its handler ran (a refusal before it still counts).
    const headers = matchedRoutes(c).map((r) => byRoute.get(`${r.method} ${r.path}`)).find((h) => h !== undefined);
    if (!headers) return;
    c.header('Deprecation', headers.Deprecation);
    c.header('Sunset', headers.Sunset);
    c.header('Link', headers.Link, { append: true });
  };
}

function wholeSeconds(s: string, field: string): Date {
  const ms = ISO.test(s) ? Date.parse(s) : NaN;
  if (!Number.isFinite(ms)) throw new Error(`deprecated.${field} must be an ISO 8601 date or date-time with a zone, not ${JSON.stringify(s)}`);
  return new Date(Math.floor(ms / 1000) * 1000);
}

function uri(s: string, field: string): string {
  if (!URI_REFERENCE.test(s)) throw new Error(`deprecated.${field} must be a URI reference (RFC 3986), not ${JSON.stringify(s)}`);
  return s;
}
