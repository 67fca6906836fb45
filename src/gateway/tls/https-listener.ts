/**
 * The HTTPS listener: the same Hono app over `node:https`, its certificate from a source
 * that can change (owner's files now, an ACME client later): each new pair is put in place
 * with `setSecureContext`, so connections after a renewal get it and those open keep theirs
 * (Bun has none: there a new server takes the port over).
 * Every answer carries `Strict-Transport-Security` when `hstsMaxAge` > 0. WebSocket
 * upgrades are handed to `upgrades` (the stream's listener lives there, for both listeners).
 */
import { createServer, type Server } from 'node:https';
import type { EventEmitter } from 'node:events';
import { getRequestListener } from '@hono/node-server';
import { controls, type HttpListener } from '../server.ts';
import { answerWireErrors, requestError } from '../wire-errors.ts';
import type { LoadedCertificate } from '../../kit/index.ts';

/** Where the listener gets its certificate: the pair now, and a call for each new one. */
export interface CertificateSource {
  readonly current: LoadedCertificate;
  onChange(listener: (c: LoadedCertificate) => void): void;
}

/** A created, not yet listening HTTPS server and its controls. */
export interface HttpsListener extends Omit<HttpListener, 'server'> {
  /** The server listening now (another one after a reload on a runtime without `setSecureContext`). */
  readonly server: Server;
}

/**
 * Creates the HTTPS server for `fetch` (the Hono app's).
 *
 * @example
 * const tls = createHttpsListener(app.fetch, new CertificateFiles(cert, key), { hstsMaxAge: 15552000, upgrades });
 * await tls.listen('0.0.0.0', 443); // 'https://0.0.0.0:443'
 */
export function createHttpsListener(
  fetch: (req: Request, env: unknown) => Response | Promise<Response>,
  source: CertificateSource,
  o: { hstsMaxAge: number; upgrades?: EventEmitter; onReloadError?: (err: Error) => void },
): HttpsListener {
  const hsts = o.hstsMaxAge > 0 ? `max-age=${o.hstsMaxAge}` : undefined;
  const withHsts = hsts
    ? async (req: Request, env: unknown) => withHeader(await fetch(req, env), 'strict-transport-security', hsts)
    : fetch;
  const listener = getRequestListener(withHsts, { errorHandler: requestError });
  const make = (c: LoadedCertificate) => {
    const server = createServer({ cert: c.cert, key: c.key, requireHostHeader: false }, listener);
    answerWireErrors(server as never);
    if (o.upgrades) server.on('upgrade', (req, socket, head) => o.upgrades!.emit('upgrade', req, socket, head));
    return server;
  };
  let server = make(source.current);
  let ctl = controls(server, 'https');
  let bound: { host: string; port: number } | undefined;
  let reloading = Promise.resolve();
  source.onChange((c) => {
    // Node and Deno: connections from now on get the new pair, open ones keep theirs.
    if (typeof server.setSecureContext === 'function') return server.setSecureContext({ cert: c.cert, key: c.key });
    // Bun has no setSecureContext: a new server takes the port over; the old one finishes what it has.
    reloading = reloading.then(async () => {
      if (!bound) return;
      const old = ctl;
      const at = bound;
      const closing = old.close();
      server = make(c);
      ctl = controls(server, 'https');
      await ctl.listen(at.host, at.port).catch((err: Error) => o.onReloadError?.(err));
      await closing;
    });
  });
  return {
    get server() {
      return server;
    },
    listen: async (host, port) => {
      const url = await ctl.listen(host, port);
      bound = { host, port: Number(new URL(url).port || 443) };
      return url;
    },
    close: async (graceMs) => {
      bound = undefined;
      await reloading;
      await ctl.close(graceMs);
    },
  };
}

/** `res` with one more header (a copy when its headers are immutable, as `fetch` responses' are). */
export function withHeader(res: Response, name: string, value: string): Response {
  try {
    res.headers.set(name, value);
    return res;
  } catch {
    const copy = new Response(res.body, res);
    copy.headers.set(name, value);
    return copy;
  }
}
