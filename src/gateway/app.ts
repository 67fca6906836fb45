/**
 * The gateway's Hono app, middleware first (in order: request id, client IP, metrics and
 * version header → deprecation headers of deprecated routes → 405 for known paths with another method → CORS → per-IP rate limit
 * (not on phone routes) → declared body length (a phone route's own) → the web app's pages and files at `/`), then the route table, then 404 for the rest; every error is
 * answered by `onError` as problem+json (problem.ts maps kinds to statuses once).
 *
 * Stream seam — what `src/gateway/stream` gets from here (`streamSeam`):
 * - `authenticate(token)` → `{ userId, sessionId, expiresAt }`: the same access-token check
 *   as `Authorization: Bearer` (EdDSA, iss, aud, exp, typ, revoked session); throws an
 *   AppError of kind `unauthorized` (or `unavailable` while no key set was ever loaded).
 * - `groupsOf(userId)` → the user's group ids, synchronously, from the read model.
 * - `onGroupEvent(listener)`: called after commit with `{ groupId, event }` for every
 *   `group.*` users event (the read model already reflects it) and every location event
 *   of a group (live-feed.ts).
 * - `onUserEvent(listener)`: called with `{ userId, event }` for every personal event
 *   (`evt.notifications.>`, `data.userId` its one recipient; live-feed.ts).
 * - `onTyping(listener)`: called with every checked typing signal `{ groupId, userId, name,
 *   at }` that came in over the broker from any gateway instance (live-feed.ts).
 * - `sendTyping(actor, groupId)`: a typing indicator a WebSocket client sends; membership
 *   checked here (`membership.not_a_member`), then gated to one per 2 s and published.
 * - `onRevocation(listener)`: called after commit with `{ userId, sessionId }` when a session
 *   ends and `{ userId }` when an account is deleted (the gateway itself disconnects them).
 * - `recordFixes(actor, fixes)`: fixes a WebSocket client sends, to the location service.
 * - `sendMessage(actor, m)`: a chat message a WebSocket client sends, to the chat service.
 * - `bufferSize` (`gateway.stream_buffer`), `maxStreamsPerUser` (`gateway.max_streams_per_user`),
 *   `log`, and `metrics.setOpenStreams(fn)`.
 */
import { Hono } from 'hono';
import { methodNotAllowed } from 'hono/method-not-allowed';
import type { Server } from 'node:http';
import { AppError, uuidv7, type Logger } from '../kit/index.ts';
import { chat, location, membership } from '../contracts/index.ts';
import type { TokenActor } from './auth/index.ts';
import type { GatewayEnv } from './context.ts';
import type { GatewayDeps } from './deps.ts';
import { mountRoutes } from './mount.ts';
import { declaredLength } from './middleware/body.ts';
import { corsFor } from './middleware/cors.ts';
import { deprecationHeaders } from './middleware/deprecation.ts';
import { answerError } from './middleware/errors.ts';
import { requestContext } from './middleware/request-context.ts';
import type { UserEvent } from './live-feed.ts';
import type { GroupEvent, Revocation } from './store/index.ts';
import type { AnyRoute } from './route-spec.ts';
import { ROUTES } from './routes/index.ts';
import type { TypingSignal } from './stream/index.ts';
import { serveWebApp } from './web/index.ts';

/** What the real-time stream is given (see the header comment). */
export interface StreamSeam {
  app: Hono<GatewayEnv>;
  server: Server;
  authenticate(token: string): Promise<TokenActor>;
  groupsOf(userId: string): string[];
  onGroupEvent(listener: (e: GroupEvent) => void): void;
  onUserEvent(listener: (e: UserEvent) => void): void;
  onTyping(listener: (t: TypingSignal) => void): void;
  onRevocation(listener: (r: Revocation) => void): void;
  /** Records fixes a stream client sends, as `POST /v1/locations` would (rate-limited per user). */
  recordFixes(actor: { userId: string; sessionId: string }, fixes: location.Fix[]): Promise<{ accepted: number; duplicates: number; expired: number }>;
  /** Sends a chat message a stream client sends, as `POST /v1/groups/{groupId}/messages` would (membership checked here first). */
  sendMessage(actor: { userId: string; sessionId: string }, m: { groupId: string; text: string; txnId: string; replyTo?: string }): Promise<{ message: unknown; duplicate: boolean }>;
  /** A typing indicator a stream client sends, as `POST /v1/groups/{groupId}/typing` would (membership checked here first). */
  sendTyping(actor: { userId: string; sessionId: string }, groupId: string): void;
  bufferSize: number;
  /** `gateway.max_streams_per_user`. */
  maxStreamsPerUser: number;
  metrics: { setOpenStreams(fn: () => number): void };
  log: Logger;
}

/**
 * Builds the app on the route table (`routes`: another table, for tests). Routes added
 * later (the stream's) must be added before the first request.
 *
 * @example
 * const app = createApp(deps);
 * const res = await app.request('/healthz'); // 200
 */
export function createApp(deps: GatewayDeps, routes: readonly AnyRoute[] = ROUTES): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.use('*', requestContext(deps));
  const deprecations = deprecationHeaders(routes);
  if (deprecations) app.use('*', deprecations);
  app.use(
    '*',
    methodNotAllowed<GatewayEnv>({
      app,
      onMethodNotAllowed: (c, allow) =>
        answerError(c, new AppError('validation', 'gateway.method_not_allowed', `${c.req.method} is not allowed on ${c.req.path}`, { allow }), deps.log),
    }),
  );
  const cors = corsFor(deps.settings.corsOrigins);
  if (cors) app.use('*', cors);
  // Phone routes (`limit: 'phone'`) have their own bounds: no per-IP limit, their own body limit.
  const phone = new Map(routes.filter((r) => r.limit === 'phone').map((r) => [`${r.method} ${r.path}`, r]));
  const phoneRoute = (c: { req: { method: string; path: string } }) => phone.get(`${c.req.method} ${c.req.path}`);
  app.use('*', async (c, next) => {
    if (!phoneRoute(c)) deps.limiter.take('ip', c.get('ip'));
    await next();
  });
  app.use('*', declaredLength((c) => phoneRoute(c)?.maxBodyBytes ?? deps.settings.maxBodyBytes));
  app.use('*', serveWebApp(deps.web, deps.settings.tileUrl));
  mountRoutes(app, routes, deps);
  app.notFound((c) => answerError(c, new AppError('not_found', 'gateway.no_route', `Nothing at ${c.req.method} ${c.req.path}`), deps.log));
  app.onError((err, c) => answerError(c, err, deps.log));
  return app;
}

/** The stream's view of the gateway (see the header comment). */
export function streamSeam(app: Hono<GatewayEnv>, server: Server, deps: GatewayDeps): StreamSeam {
  return {
    app,
    server,
    authenticate: (token) => deps.auth.token(token),
    groupsOf: (userId) => deps.model.groupsOf(userId),
    onGroupEvent: (listener) => {
      deps.model.onGroupEvent(listener);
      deps.feed.on(listener);
    },
    onUserEvent: (listener) => void deps.feed.onUser(listener),
    onTyping: (listener) => void deps.feed.onTyping(listener),
    onRevocation: (listener) => void deps.model.onRevocation(listener),
    recordFixes: async (actor, fixes) => {
      deps.limiter.take('user', actor.userId);
      return deps.upstream.call(location.RecordFixes, { actor, fixes }, uuidv7());
    },
    sendMessage: async (actor, m) => {
      deps.limiter.take('user', actor.userId);
      if (!deps.model.roleOf(m.groupId, actor.userId)) throw membership.notAMember();
      return deps.upstream.call(chat.SendMessage, { actor, ...m }, uuidv7());
    },
    sendTyping: (actor, groupId) => {
      if (!deps.model.roleOf(groupId, actor.userId)) throw membership.notAMember();
      deps.feed.typing(actor.userId, groupId);
    },
    bufferSize: deps.settings.streamBuffer,
    maxStreamsPerUser: deps.settings.maxStreamsPerUser,
    metrics: { setOpenStreams: (fn) => deps.metrics.setOpenStreams(fn) },
    log: deps.log,
  };
}
