/** Everything the gateway's routes and middleware use, built once by the service's setup (or by a test). */
import type { Logger } from '../kit/index.ts';
import type { AppPasswordCache, Authenticator, JwksCache } from './auth/index.ts';
import type { IdempotencyStore } from './idempotency/store.ts';
import type { LiveFeed } from './live-feed.ts';
import type { Metrics } from './metrics.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { ReadModel } from './store/index.ts';
import type { GatewaySettings } from './settings.ts';
import type { Upstream } from './upstream.ts';
import type { WebAssets } from './web/index.ts';
import type { CertificateState } from '../kit/index.ts';
import type { AcmeState } from './tls/acme.ts';

/** The gateway's collaborators. */
export interface GatewayDeps {
  settings: GatewaySettings;
  log: Logger;
  /** The clock (epoch ms): `api.now`, which tests move through `RunOptions.now`. */
  now: () => number;
  auth: Authenticator;
  /** Cached app-password checks (forgotten when this gateway revokes one). */
  appPasswords: AppPasswordCache;
  jwks: JwksCache;
  model: ReadModel;
  /** Other services' group events (location), for the stream. */
  feed: LiveFeed;
  upstream: Upstream;
  limiter: RateLimiter;
  idempotency: IdempotencyStore;
  metrics: Metrics;
  /** The services `/readyz` asks (`sys.health.<name>`), the gateway itself included. */
  readyServices: readonly string[];
  /** The built web app (undefined: not built; `/` says how). */
  web?: WebAssets;
  /** The served certificate, for `/readyz` (set once the HTTPS listener exists; undefined without HTTPS). */
  https?: () => CertificateState | AcmeState;
}
