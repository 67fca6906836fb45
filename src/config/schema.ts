/**
 * The shape of Hearth's configuration: every key, declared once with its schema, default
 * and docs line. The sections a service or the gateway reads are declared in
 * src/contracts/settings (services may import nothing else); the ones only the supervisor
 * and the service host read are declared here and beside (broker-settings.ts,
 * services-settings.ts). config/defaults.json and docs/configuration.md's table are
 * generated from `CONFIG` (`npm run docs:config`, checked by settings-docs.test.ts).
 */
import { settings } from '../contracts/index.ts';
import { RUN_DEFAULTS } from '../kit/index.ts';
import { backup, replication } from './backup-settings.ts';
import { broker } from './broker-settings.ts';
import { services } from './services-settings.ts';

export { BUILTIN_SERVICES, SERVICE_NAME } from './services-settings.ts';
export { OWNER_ROLES, type OwnerRole } from './broker-settings.ts';

const { section, setting } = settings;
const { bool, bytes, int, ms, nonEmpty, oneOf, text } = settings.rules;

/** The declaration of the whole configuration, in the order the docs and defaults list it. */
export const CONFIG = section({
  data: setting(nonEmpty('a directory path (not empty)'), './data',
    'the data directory; relative to the working directory, made absolute. Private to the user running Hearth (`0700`, files `0600`; an existing one is made so at start), locked by `hearth.lock` (a Unix socket) while Hearth runs'),
  http: settings.http,
  log: section({
    level: setting(oneOf(['debug', 'info', 'warn', 'error']), 'info', 'the least severe messages logged'),
    format: setting(oneOf(['auto', 'json', 'pretty']), 'auto', '`auto`: pretty on a terminal, JSON otherwise'),
  }),
  broker,
  services,
  supervisor: section({
    one_process: setting(bool, false,
      'run the broker and every service inside the supervisor\'s process (each still with its own database, event log and broker connection) instead of one process per service: less memory and a faster start for small boards; a crash of the process takes every service with it (docs/operations.md)'),
    restart_initial_ms: setting(ms(1, 3_600_000), 250, 'first delay before restarting a crashed service; it doubles on each crash …'),
    restart_max_ms: setting(ms(1, 86_400_000), 30_000, '… up to this'),
    restart_reset_ms: setting(ms(0, 86_400_000), 30_000, 'a service running this long has its delay reset'),
    shutdown_timeout_ms: setting(ms(0, 3_600_000), 10_000, 'how long a service may take to drain when stopping'),
    health_interval_ms: setting(ms(100, 3_600_000), 2000, 'how often the supervisor asks each service for its health'),
    ready_timeout_ms: setting(ms(100, 86_400_000), 30_000, 'how long start-up may take before `hearth serve` gives up'),
  }),
  backup,
  replication,
  public_url: settings.public_url,
  users: settings.users,
  location: settings.location,
  notifications: settings.notifications,
  gateway: settings.gateway,
  web: settings.web,
  https: settings.https,
  oidc: settings.oidc,
  // The kit's own defaults, so a service run without configuration (tests) behaves the same.
  kit: section({
    request_timeout_ms: setting(ms(1, 3_600_000), RUN_DEFAULTS.requestTimeoutMs, 'how long a request to a service may take'),
    max_request_bytes: setting(bytes(1, 64 * 1024 * 1024, ' (64 MiB)'), RUN_DEFAULTS.maxRequestBytes,
      'the largest request a service takes; at most `broker.max_payload` with the embedded broker'),
    relay_batch: setting(int(1, 10_000), RUN_DEFAULTS.relayBatch, 'events the outbox relay publishes per round'),
    catchup_interval_ms: setting(ms(100, 3_600_000), RUN_DEFAULTS.catchupMs, 'how often a consumer checks a producer\'s event log for what it missed'),
  }),
});

/** The schema the merged configuration is checked with. */
export const ConfigSchema = settings.fileSchema(CONFIG);

/** Hearth's effective configuration (`data` is an absolute path). */
export type HearthConfig = settings.ValuesOf<typeof CONFIG>;
/** `log`: how much to log and in which form ("auto": pretty on a terminal, else JSON). */
export type LogConfig = HearthConfig['log'];
/** `broker`: the embedded broker's listeners, or the external server to use instead. */
export type BrokerConfig = HearthConfig['broker'];
/** `broker.websocket`: the embedded broker's WebSocket listener. */
export type BrokerWebSocketConfig = BrokerConfig['websocket'];
/** One entry of `services`. */
export type ServiceConfig = HearthConfig['services'][string];
/** `services.<name>.db`: a local file, a remote libSQL database, or an embedded replica. */
export type ServiceDbConfig = ServiceConfig['db'];
/** `supervisor`: restart backoff, shutdown and readiness timing. */
export type SupervisorConfig = HearthConfig['supervisor'];
/** `backup`: scheduled online backups and their retention. */
export type BackupConfig = HearthConfig['backup'];
/** `replication`: continuous replication of every service database with Litestream. */
export type ReplicationConfig = HearthConfig['replication'];
/** `users`: who may register, and token lifetimes. */
export type UsersConfig = HearthConfig['users'];
/** `location`: thresholds of the location domain, and how long history is kept. */
export type LocationConfig = HearthConfig['location'];
/** `notifications`: how old an event may be to notify, how long inboxes keep, forwarding limits. */
export type NotificationsConfig = HearthConfig['notifications'];
/** `gateway`: proxies, CORS, body size, rate limits, idempotency, stream buffers. */
export type GatewayConfig = HearthConfig['gateway'];
/** `web`: what the web app is told before sign-in (`GET /v1/instance`): the map's tiles and their credit. */
export type WebConfig = HearthConfig['web'];
/** `kit`: the service runtime's limits and timing. */
export type KitConfig = HearthConfig['kit'];
