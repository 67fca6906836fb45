/**
 * The HTTP listener: Hono's Node adapter on `http` (HOST:PORT, port 0 = any free one).
 * Created before it listens, so the stream can attach its upgrade handler and routes
 * first. Stopping stops accepting at once, lets requests in flight finish for a grace
 * period, then closes what is left. Requests Node's HTTP layer refuses before the app sees
 * them are answered as problem+json too (wire-errors.ts).
 */
import { createServer, type Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { getRequestListener } from '@hono/node-server';
import { answerWireErrors, requestError } from './wire-errors.ts';

/** A created, not yet listening server and its controls. */
export interface HttpListener {
  readonly server: Server;
  /** Listens; resolves with the URL (`http://host:port`, the bound port). */
  listen(host: string, port: number): Promise<string>;
  /** Stops accepting, waits up to `graceMs` for requests in flight, then closes every connection. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Creates the server for `fetch` (the Hono app's).
 *
 * @example
 * const http = createListener(app.fetch);
 * api.report('url', await http.listen('127.0.0.1', 0));
 */
export function createListener(fetch: (req: Request, env: unknown) => Response | Promise<Response>): HttpListener {
  // What createAdaptorServer does, plus an answer for requests the adapter cannot turn into
  // a Request (no Host, a bad URL): else it sends a bare 400.
  // requireHostHeader off: node's own answer to a missing Host is a bare 400; the adapter's is ours.
  const server = createServer({ requireHostHeader: false }, getRequestListener(fetch, { errorHandler: requestError }));
  answerWireErrors(server);
  return { server, ...controls(server, 'http') };
}

/** `listen` and `close` for a created server (HTTP or HTTPS: `scheme` names the URL `listen` resolves with). */
export function controls(server: Server | HttpsServer, scheme: 'http' | 'https'): Omit<HttpListener, 'server'> {
  let listening = false;
  return {
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          listening = true;
          const bound = (server.address() as { port: number }).port;
          resolve(`${scheme}://${host.includes(':') ? `[${host}]` : host}:${bound}`);
        });
      }),
    close: async (graceMs = 5000) => {
      if (!listening) return;
      listening = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([closed, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
      server.closeAllConnections();
      await closed;
    },
  };
}
