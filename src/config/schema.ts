/**
 * The shape of Hearth's configuration: every key, its type, and what it allows. The
 * defaults live in config/defaults.json (checked against this schema by a test); a
 * service's keys have their defaults here, because defaults.json lists no services.
 */
import * as v from 'valibot';
import { bool, host, hostPort, int, nonEmpty, num, oneOf, port, section, text, tileUrlTemplate, url } from './rules.ts';

/** The services Hearth has (or will have) built in; any other name needs an `entry`. */
export const BUILTIN_SERVICES = ['users', 'location', 'chat', 'notifications', 'gateway'] as const;

/**
 * What the owner's broker credential (`broker.user`/`password`) may do on the embedded
 * broker, narrowest first: read domain events; also ask health and read event logs; or
 * everything, including requests and replies in transit (docs/configuration.md).
 */
export const OWNER_ROLES = ['events', 'operator', 'full'] as const;
/** One of OWNER_ROLES. */
export type OwnerRole = (typeof OWNER_ROLES)[number];

/** A service name: a lower-case letter, then up to 30 lower-case letters, digits or dashes. */
export const SERVICE_NAME = /^[a-z][a-z0-9-]{0,30}$/;

const SERVICE_NAME_ALLOWED = 'a service name: a lower-case letter, then up to 30 lower-case letters, digits or "-"';
const DB_URL = '"" (the file <data>/<service>.db) or a libsql://, http(s)://, ws(s):// or file: URL';
const SYNC_URL = '"" (no replica) or the libsql://, http(s):// or ws(s):// URL of the primary';
const TILE_URL = '"" (no map tiles) or an http(s):// URL template with {z}, {x} and {y} after the host, and {s} (a subdomain) if wanted, e.g. https://{s}.tile.example.org/{z}/{x}/{y}.png';
const TILE_ATTRIBUTION = 'the credit the tile provider asks for, as plain text, up to 300 characters';
const ms = (min: number, max: number) => int(min, max, `an integer number of milliseconds from ${min} to ${max}`);

/** Where a service's database lives; the libSQL client gets these as they are. */
export const ServiceDbSchema = section({
  url: v.optional(url(['libsql:', 'http:', 'https:', 'ws:', 'wss:', 'file:'], DB_URL), ''),
  sync_url: v.optional(url(['libsql:', 'http:', 'https:', 'ws:', 'wss:'], SYNC_URL), ''),
  auth_token: v.optional(text(), ''),
  sync_interval: v.optional(num(0, 86400, 'a number of seconds from 0 (no background sync) to 86400'), 0),
});

/** One service under `services`. */
export const ServiceSchema = section({
  enabled: v.optional(bool, true),
  entry: v.optional(text('the path of the module file of a plug-in service, or "" for a built-in one'), ''),
  instances: v.optional(int(1, 16), 1),
  db: v.optional(ServiceDbSchema, {}),
});

/** The whole configuration. */
export const ConfigSchema = section({
  data: nonEmpty('a directory path (not empty)'),
  http: hostPort,
  log: section({
    level: oneOf(['debug', 'info', 'warn', 'error']),
    format: oneOf(['auto', 'json', 'pretty']),
  }),
  broker: section({
    url: url(['nats:', 'tls:', 'ws:', 'wss:'], '"" (run the embedded broker) or the nats://, tls://, ws:// or wss:// URL of an external server'),
    user: text(),
    password: text(),
    token: text(),
    owner_role: oneOf(OWNER_ROLES),
    host,
    port: port(),
    websocket: section({ enabled: bool, host, port: port() }),
    http_port: port('monitoring off'),
    max_payload: int(1, 64 * 1024 * 1024, 'an integer number of bytes from 1 to 67108864 (64 MiB)'),
  }),
  services: v.record(
    v.pipe(v.string(SERVICE_NAME_ALLOWED), v.regex(SERVICE_NAME, SERVICE_NAME_ALLOWED)),
    ServiceSchema,
    'a section of services by name',
  ),
  supervisor: section({
    restart_initial_ms: ms(1, 3_600_000),
    restart_max_ms: ms(1, 86_400_000),
    restart_reset_ms: ms(0, 86_400_000),
    shutdown_timeout_ms: ms(0, 3_600_000),
    health_interval_ms: ms(100, 3_600_000),
    ready_timeout_ms: ms(100, 86_400_000),
  }),
  public_url: url(['http:', 'https:'], '"" (the http address) or the http(s):// URL clients use to reach Hearth'),
  users: section({
    registration: oneOf(['open', 'invite-only', 'closed']),
    access_token_ttl_s: int(60, 3600, 'an integer number of seconds from 60 to 3600'),
    refresh_token_ttl_days: int(1, 365, 'an integer number of days from 1 to 365'),
  }),
  location: section({
    offline_grace_s: int(1, 86_400, 'an integer number of seconds from 1 to 86400'),
    max_report_interval_s: int(0, 86_400, 'an integer number of seconds from 0 to 86400'),
    arrival_radius_m: int(5, 10_000, 'an integer number of metres from 5 to 10000'),
    stuck_after_s: int(10, 86_400, 'an integer number of seconds from 10 to 86400'),
    stuck_radius_m: int(5, 10_000, 'an integer number of metres from 5 to 10000'),
    late_grace_s: int(0, 86_400, 'an integer number of seconds from 0 to 86400'),
    place_hysteresis_m: int(0, 10_000, 'an integer number of metres from 0 to 10000'),
    retention_days: int(1, 3650, 'an integer number of days from 1 to 3650'),
    max_future_s: int(0, 86_400, 'an integer number of seconds from 0 to 86400'),
  }),
  notifications: section({
    max_age_s: int(60, 2_592_000, 'an integer number of seconds from 60 to 2592000 (30 days)'),
    retention_days: int(1, 3650, 'an integer number of days from 1 to 3650'),
    forward_timeout_s: int(1, 120, 'an integer number of seconds from 1 to 120'),
    forward_max_attempts: int(1, 50, 'an integer from 1 to 50'),
  }),
  gateway: section({
    trusted_proxies: text('a comma-separated list of proxy IP addresses whose X-Forwarded-For is believed, or ""'),
    cors_origins: text('a comma-separated list of origins allowed to call the API from a browser, "*", or ""'),
    max_body_bytes: int(1024, 16 * 1024 * 1024, 'an integer number of bytes from 1024 to 16777216'),
    auth_rate_per_minute: int(1, 100_000),
    user_rate_per_minute: int(1, 1_000_000),
    ip_rate_per_minute: int(1, 1_000_000),
    idempotency_hours: int(1, 720),
    stream_buffer: int(16, 100_000, 'an integer number of events from 16 to 100000'),
    max_streams_per_user: int(1, 1000, 'an integer number of streams from 1 to 1000'),
  }),
  web: section({
    tile_url: tileUrlTemplate(TILE_URL),
    tile_attribution: v.pipe(v.string(TILE_ATTRIBUTION), v.maxLength(300, TILE_ATTRIBUTION)),
    app_dir: text('"" (the web app built into Hearth) or a directory written by npm run build:web -- --out DIR'),
  }),
  kit: section({
    request_timeout_ms: ms(1, 3_600_000),
    max_request_bytes: int(1, 64 * 1024 * 1024, 'an integer number of bytes from 1 to 67108864 (64 MiB)'),
    relay_batch: int(1, 10_000),
    catchup_interval_ms: ms(100, 3_600_000),
  }),
});

/** Hearth's effective configuration (`data` is an absolute path). */
export type HearthConfig = v.InferOutput<typeof ConfigSchema>;
/** `log`: how much to log and in which form ("auto": pretty on a terminal, else JSON). */
export type LogConfig = HearthConfig['log'];
/** `broker`: the embedded broker's listeners, or the external server to use instead. */
export type BrokerConfig = HearthConfig['broker'];
/** `broker.websocket`: the embedded broker's WebSocket listener. */
export type BrokerWebSocketConfig = BrokerConfig['websocket'];
/** One entry of `services`. */
export type ServiceConfig = v.InferOutput<typeof ServiceSchema>;
/** `services.<name>.db`: a local file, a remote libSQL database, or an embedded replica. */
export type ServiceDbConfig = v.InferOutput<typeof ServiceDbSchema>;
/** `supervisor`: restart backoff, shutdown and readiness timing. */
export type SupervisorConfig = HearthConfig['supervisor'];
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
