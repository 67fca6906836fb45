/**
 * The API gateway as a kit service (`hearth service gateway`): the one HTTP entry point.
 * It keeps its own read model of users' groups, roles and revocations (consumed from the
 * users service's events), verifies tokens itself, and forwards each REST call over the
 * broker. The boot order is below; see app.ts for the request pipeline and the stream seam.
 */
import { randomUUID } from 'node:crypto';
import { defineService, type ServiceApi } from '../kit/index.ts';
import { BUILT_IN_SERVICES, users } from '../contracts/index.ts';
import { createApp, streamSeam } from './app.ts';
import { AppPasswordCache, Authenticator, JwksCache } from './auth/index.ts';
import type { GatewayDeps } from './deps.ts';
import { IdempotencyStore } from './idempotency/store.ts';
import { LIVE_SUBJECTS, LiveFeed, PERSONAL_SUBJECTS } from './live-feed.ts';
import { LiveOrder } from './live-order.ts';
import { Metrics } from './metrics.ts';
import { MIGRATIONS } from './migrations.ts';
import { ALIVE_SUBJECT, GatewayPeers } from './peers.ts';
import { PHONES_PER_USER, RateLimiter } from './rate-limiter.ts';
import { usersConsumer } from './consumers/users.ts';
import { mountAccountDeletion } from './sagas/account-deletion.ts';
import { ReadModel } from './store/index.ts';
import { createListener } from './server.ts';
import { serveTls } from './tls/index.ts';
import { readSettings } from './settings.ts';
import { Upstream } from './upstream.ts';
import { mountStream, TYPING_SUBJECTS } from './stream/index.ts';
import { seedPositions, streamLogs } from './stream-logs.ts';
import { loadWebAssets } from './web/index.ts';
import { forgetFace } from './owntracks/faces.ts';
import { groupDeletionSteps } from './sagas/group-deletion.ts';

export { createApp, streamSeam, type StreamSeam } from './app.ts';
export type { GatewayDeps } from './deps.ts';
export { route, type AnyRoute, type Deprecation } from './route-spec.ts';
export { openApiDocument } from './openapi.ts';
export { deprecationNotice } from './middleware/deprecation.ts';
export { createListener, type HttpListener } from './server.ts';
export { usersConsumer } from './consumers/users.ts';
export { ReadModel } from './store/index.ts';

/** The services `/readyz` asks when no supervisor answers `sys.ready`: the built-in ones. */
export const READY_SERVICES = BUILT_IN_SERVICES;
const PRUNE_EVERY_MS = 10 * 60_000;
/** How often each live source's log is read past its last event handed on (live-order.ts `catchUp`). */
const CATCH_UP_EVERY_MS = 5000;

/** Builds the gateway's collaborators on a service API (also used by tests, which move the clock through `api.now`). */
export async function gatewayDeps(api: ServiceApi): Promise<GatewayDeps> {
  const now = () => api.now();
  const settings = readSettings(api.settings);
  const model = new ReadModel(api.db, api.log, now);
  await model.load();
  const upstream = new Upstream(api.request);
  const metrics = new Metrics();
  metrics.setBreakers(() => upstream.breakers());
  const limiter = new RateLimiter(
    { ip: settings.ipRatePerMinute, user: settings.userRatePerMinute, auth: settings.authRatePerMinute, device: settings.owntracksDeviceRatePerMinute, phones: PHONES_PER_USER * settings.owntracksDeviceRatePerMinute },
    now,
  );
  limiter.onLimited = (scope) => metrics.limited(scope);
  const jwks = new JwksCache(() => upstream.call(users.GetJwks, {}), { now });
  const appPasswords = new AppPasswordCache((email, password) => upstream.call(users.VerifyAppPassword, { email, password }), { now });
  const auth = new Authenticator({ jwks, issuer: settings.publicUrl, revocations: model, ttlS: settings.accessTokenTtlS, appPasswords, limitMiss: (ip) => limiter.take('auth', ip) });
  const idempotency = new IdempotencyStore(api.db, { hours: settings.idempotencyHours, now });
  return { settings, log: api.log, now, auth, appPasswords, jwks, model, feed: new LiveFeed({ log: api.log, now }), upstream, limiter, idempotency, metrics, readyServices: READY_SERVICES, web: await loadWebAssets(settings.appDir) };
}

/** The gateway service. */
export default defineService({
  name: 'gateway',
  migrations: MIGRATIONS,
  async setup(api) {
    // 1. Collaborators and the read model, which the kit's consumer keeps from users events.
    const deps = await gatewayDeps(api);
    api.consume('users', usersConsumer(deps.model));
    mountAccountDeletion(api, deps);
    groupDeletionSteps(api);
    // Live events in their log's order, gaps read from the log (live-order.ts): the stream's cursors count on it.
    const logs = streamLogs(api.request);
    const personal = new Set(PERSONAL_SUBJECTS.map(sourceOf));
    const order = new LiveOrder({ read: logs.read, deliver: (e) => (personal.has(e.source) ? deps.feed.pushPersonal(e) : deps.feed.push(e)), log: api.log });
    for (const subject of [...LIVE_SUBJECTS, ...PERSONAL_SUBJECTS]) {
      const source = sourceOf(subject);
      api.subscribe(subject, (e) => (e.source === source ? order.push(e) : api.log.debug('live event of another source dropped', { subject, source: e.source })));
    }
    // A changed avatar: the friends' faces kept for OwnTracks replies are asked for again (#16).
    api.subscribe(users.UserProfileUpdated.subject, (e) => forgetFace(deps, (e.data as { userId: string }).userId));
    // A revoked app password, on whichever gateway: this one forgets the user's cached verifications
    // (a missed event leaves them at most the cache's 30 s).
    api.subscribe(users.AppPasswordRevoked.subject, (e) => deps.appPasswords.forgetUser((e.data as { userId: string }).userId));
    // Typing indicators are plain broker messages (never stored), so every gateway instance sees them.
    api.listen(TYPING_SUBJECTS, (data, subject) => deps.feed.pushTyping(data, subject));
    deps.feed.connect((subject, data) => api.publish(subject, data));
    // 2. The app and its listener (not listening yet).
    const app = createApp(deps);
    const tls = serveTls(app.fetch, deps);
    const http = createListener(tls?.httpFetch ?? app.fetch);
    if (tls) http.server.on('upgrade', tls.httpUpgrade);
    // Rate limits are shared among the gateways alive (peers.ts); health says how many there are.
    const peers = new GatewayPeers({
      id: randomUUID(),
      publish: (subject, data) => api.publish(subject, data),
      now: deps.now,
      onCount: (n) => (deps.limiter.share(n), api.report('gateways', String(n))),
    });
    api.report('gateways', '1');
    api.listen(ALIVE_SUBJECT, (data) => peers.hear(data));
    let timer: ReturnType<typeof setInterval> | undefined;
    let catchUp: ReturnType<typeof setInterval> | undefined;
    let stream: { close(): Promise<void> } | undefined;
    let stopping = false;

    api.onStart(async () => {
      // 3. The stream attaches its routes and upgrade handler before the first request.
      const seam = streamSeam(app, tls?.upgrades ?? http.server, deps);
      const s = mountStream({ ...seam, logs });
      seam.metrics.setOpenStreams(() => s.openStreams());
      seam.onRevocation((r) => s.disconnect(r));
      stream = s;
      // Cursors name each source once its position is known; until then a resume is a reset.
      void seedPositions(api, s, api.log, () => stopping).catch((err) => api.log.warn('stream positions not seeded', { err }));
      // 4. Listen, say where, warm the key cache, prune now and then.
      const httpsUrl = await tls?.listen(api);
      if (httpsUrl) api.report('https_url', httpsUrl);
      api.report('url', await http.listen(deps.settings.host, deps.settings.port));
      void deps.jwks.refresh().catch(() => undefined); // users may be down; the first token verification fetches again
      timer = setInterval(() => void prune(deps).catch((err) => api.log.warn('prune failed', { err })), PRUNE_EVERY_MS);
      (timer as { unref?: () => void }).unref?.();
      void prune(deps).catch((err) => api.log.warn('prune failed', { err }));
      peers.start();
      // A live event lost as a source's newest (published while this gateway was away from the
      // broker, say) is read from its log within CATCH_UP_EVERY_MS, not at the source's next event.
      catchUp = setInterval(() => void order.catchUp(), CATCH_UP_EVERY_MS);
      (catchUp as { unref?: () => void }).unref?.();
    });

    // Stop accepting connections first; then end the streams (they would hold the close up)
    // while requests in flight finish.
    api.onStop(async () => {
      stopping = true;
      clearInterval(timer);
      clearInterval(catchUp);
      peers.stop();
      const closing = Promise.all([http.close(), tls?.close()]);
      await stream?.close();
      await closing;
    });
  },
});

// `evt.chat.>` → `chat`.
const sourceOf = (subject: string): string => subject.split('.')[1]!;

async function prune(deps: GatewayDeps): Promise<void> {
  deps.limiter.prune();
  await deps.idempotency.prune();
  await deps.model.prune();
}
