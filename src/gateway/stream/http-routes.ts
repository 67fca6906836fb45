/**
 * The stream's plain HTTP routes on the gateway's Hono app: `GET /v1/events` (SSE, bearer
 * header only) and `GET /v1/stream` without an upgrade (code `stream.upgrade_required`).
 * Failures are thrown as AppErrors so that the gateway's one `onError` turns them into
 * problem+json.
 */
import type { Context, Hono } from 'hono';
import { AppError, type Logger } from '../../kit/index.ts';
import { bearerToken, identify, type Authenticate } from './auth.ts';
import type { Hub } from './hub.ts';
import { EVENTS_PATH, STREAM_PATH } from './protocol.ts';
import { SseSession } from './sse-session.ts';

/** What the routes need from the mount. */
export interface RouteDeps {
  hub: Hub;
  authenticate: Authenticate;
  bufferSize: number;
  heartbeatMs: number;
  log?: Logger;
  isClosed(): boolean;
  track(session: SseSession): void;
  untrack(session: SseSession): void;
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-store, no-transform',
  // Reverse proxies (nginx) buffer responses unless told otherwise, which would hold events back.
  'x-accel-buffering': 'no',
} as const;

/** Adds the routes to the gateway's app. */
// `any`: the gateway's app has its own Env; the routes read nothing from it but `c.env.outgoing`.
export function mountRoutes(app: Hono<any, any, any>, deps: RouteDeps): void {
  app.get(EVENTS_PATH, async (c) => {
    if (deps.isClosed()) throw new AppError('unavailable', 'stream.closed', 'The event stream is shutting down');
    const token = bearerToken(c.req.header('authorization'));
    if (token === undefined) throw new AppError('unauthorized', 'stream.no_token', 'Send the access token as Authorization: Bearer <token>');
    const identity = await identify(deps.authenticate, token);
    if (deps.isClosed()) throw new AppError('unavailable', 'stream.closed', 'The event stream is shutting down');
    const session = new SseSession(identity, {
      hub: deps.hub,
      bufferSize: deps.bufferSize,
      heartbeatMs: deps.heartbeatMs,
      log: deps.log,
      abort: () => destroyResponse(c),
      onGone: (s) => deps.untrack(s),
    });
    deps.track(session);
    c.req.raw.signal.addEventListener('abort', () => session.gone(), { once: true });
    try {
      session.open(c.req.header('last-event-id'));
    } catch (err) {
      session.gone(); // the read model failed: answer the error, leave nothing registered
      throw err;
    }
    return new Response(session.body, { status: 200, headers: SSE_HEADERS });
  });

  // A plain GET of the WebSocket endpoint; the gateway maps this code to 426 Upgrade Required.
  app.get(STREAM_PATH, () => {
    throw new AppError('validation', 'stream.upgrade_required', 'GET /v1/stream is a WebSocket endpoint: send Upgrade: websocket');
  });
}

// @hono/node-server passes the Node response as `c.env.outgoing` (on Node, Bun and Deno
// alike); destroying it is the only way to drop a client whose socket will not drain.
function destroyResponse(c: Context): void {
  const outgoing = (c.env as { outgoing?: { destroy?: () => void } } | undefined)?.outgoing;
  outgoing?.destroy?.();
}
