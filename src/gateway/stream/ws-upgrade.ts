/**
 * The HTTP server's `upgrade` listener: hands `GET /v1/stream` to the WebSocket server
 * (after checking a bearer header when there is one) and refuses every other upgrade with
 * 404 — unless another upgrade listener is registered, in which case the request is theirs.
 * Every refusal, the `ws` library's handshake checks included (a bad `Upgrade`,
 * `Sec-WebSocket-Key` or `-Version`), is a problem+json answer like the app's errors.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { AppError } from '../../kit/index.ts';
import { writeProblem } from '../problem.ts';
import { bearerToken, identify, type Authenticate } from './auth.ts';
import { STREAM_PATH } from './protocol.ts';
import type { PreAuth } from './ws-session.ts';

/** What the upgrade listener needs. */
export interface UpgradeDeps {
  server: Server;
  wss: WebSocketServer;
  authenticate: Authenticate;
  isClosed(): boolean;
  /** Starts a stream on an upgraded socket. */
  accept(ws: WebSocket, pre: PreAuth | undefined, lastEventId: string | undefined): void;
}

/** The `upgrade` listener to add to the server (and remove on close). */
export function upgradeListener(deps: UpgradeDeps): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  // With a listener here, ws hands its handshake refusals to us instead of answering text/html.
  deps.wss.on('wsClientError', (err: Error, socket: Duplex) => refuse(socket, 400, err.message));
  return (req, socket, head) => {
    if (pathOf(req.url) !== STREAM_PATH) {
      // Ours is the only listener: nobody else will answer, and an unanswered socket leaks.
      if (deps.server.listenerCount('upgrade') === 1) refuse(socket, 404);
      return;
    }
    void upgrade(deps, req, socket, head);
  };
}

async function upgrade(deps: UpgradeDeps, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const ignore = (): void => {}; // a reset before the handshake completes is the client's business
  socket.on('error', ignore);
  if (req.method !== 'GET') return refuse(socket, 405);
  if (deps.isClosed()) return refuse(socket, 503);
  const token = bearerToken(req.headers.authorization);
  let pre: PreAuth | undefined;
  if (token !== undefined) {
    pre = await identify(deps.authenticate, token).then(
      (identity) => ({ ok: true, identity }) as const,
      (error: unknown) => ({ ok: false, error }) as const,
    );
  }
  if (socket.destroyed) return;
  if (deps.isClosed()) return refuse(socket, 503);
  const lastEventId = header(req, 'last-event-id');
  deps.wss.handleUpgrade(req, socket, head, (ws) => {
    socket.off('error', ignore);
    deps.accept(ws, pre, lastEventId);
  });
}

// A problem+json answer like every other error of the gateway (the codes match the app's).
const REFUSALS = {
  400: () => new AppError('validation', 'stream.bad_handshake', 'Not a valid WebSocket handshake'),
  404: () => new AppError('not_found', 'gateway.no_route', `WebSocket upgrades are served at ${STREAM_PATH} only`),
  405: () => new AppError('validation', 'gateway.method_not_allowed', 'A WebSocket upgrade is a GET', { allow: ['GET'] }),
  503: () => new AppError('unavailable', 'stream.closed', 'The stream is shutting down'),
} as const;

function refuse(socket: Duplex, status: keyof typeof REFUSALS, why?: string): void {
  if (socket.destroyed) return;
  const err = REFUSALS[status]();
  writeProblem(socket, why ? new AppError(err.kind, err.code, `${err.message}: ${why}`, err.details) : err);
}

function pathOf(url: string | undefined): string {
  const q = (url ?? '/').search(/[?#]/);
  return q === -1 ? (url ?? '/') : url!.slice(0, q);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
