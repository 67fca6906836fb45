/**
 * What the plain HTTP listener does once HTTPS is on and `https.redirect` is true: a `308` to
 * the same path and query on HTTPS, except the paths that must stay reachable over HTTP —
 * `/healthz` and `/readyz` (local health checks that know no certificate) and
 * `/.well-known/acme-challenge/` (an ACME HTTP-01 check, for a certificate client to come).
 * The HTTPS origin is `public_url`'s when it is https, else the request's host on the HTTPS port.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const STAYS_ON_HTTP = /^\/(healthz|readyz)$|^\/\.well-known\/acme-challenge\//;

/**
 * Wraps `fetch` with the redirect.
 *
 * @example
 * const http = createListener(redirectToHttps(app.fetch, { origin: 'https://hearth.example.home', httpsPort: () => 443 }));
 */
export function redirectToHttps(
  fetch: (req: Request, env: unknown) => Response | Promise<Response>,
  o: { origin?: string; httpsPort: () => number },
): (req: Request, env: unknown) => Response | Promise<Response> {
  const pub = o.origin;
  return (req, env) => {
    const url = new URL(req.url);
    if (STAYS_ON_HTTP.test(url.pathname)) return fetch(req, env);
    const port = o.httpsPort();
    const origin = pub ?? `https://${url.hostname}${port === 443 ? '' : `:${port}`}`; // an IPv6 hostname keeps its brackets
    return new Response(null, { status: 308, headers: { location: `${origin}${url.pathname}${url.search}`, 'cache-control': 'no-store' } });
  };
}

/** Refuses a plain `ws://` upgrade while HTTPS redirects (a token would cross in the clear). */
export function refusePlainUpgrade(_req: IncomingMessage, socket: Duplex): void {
  const body = JSON.stringify({ type: 'urn:hearth:problem:gateway.https_required', title: 'HTTPS required', status: 403, code: 'gateway.https_required', detail: 'This Hearth serves its stream over wss:// only' });
  socket.on('error', () => undefined);
  socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}
