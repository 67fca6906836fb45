/**
 * Turns a parsed nats-server configuration into broker options (opts.go
 * processConfigFileLine at v2.9.10). Keys nats-server knows and this broker does not
 * implement are ignored and named together in one warning; JetStream and the monitoring
 * port over HTTPS throw, because running without them would silently change what clients
 * get; keys nats-server does not know throw, as nats-server refuses them.
 */
import type { BrokerOptions } from '../server/options.ts';
import { isUsedAsVariable } from './conf-meta.ts';
import { formatGoDuration } from './duration.ts';
import {
  asBool,
  asDuration,
  asDurationString,
  asInt,
  asListen,
  asPort,
  asString,
  confError,
  field,
} from './conf-values.ts';
import type { ConfMap, Field, ReadContext } from './conf-values.ts';
import { toAuthorization } from './to-authorization.ts';
import { toTls } from './to-tls.ts';
import { toWebSocket } from './to-websocket.ts';

/** Options read from a configuration file, and what the reader has to say about it. */
export interface ConfOptions {
  options: Partial<BrokerOptions>;
  warnings: string[];
}

type Out = Partial<BrokerOptions>;
type Handler = (f: Field, v: unknown, o: Out, ctx: ReadContext) => void;

const INT32_MAX = 2 ** 31 - 1;
const MIN_LAME_DUCK_MS = 30_000;

/** In nats-server 0 means "use the default" for these (setBaselineOptions). */
function setOrDefault<K extends keyof Out>(o: Out, key: K, value: Out[K]): void {
  if (value === 0) delete o[key];
  else o[key] = value;
}

function int32(f: Field, v: unknown): number {
  const n = asInt(f, v);
  if (n > INT32_MAX) throw confError(f, `${f.key} value is too big`);
  return n;
}

function useNatsServer(what: string): Handler {
  return (f) => {
    throw confError(f, `${what} is not supported by this broker; use nats-server for ${what}`);
  };
}

const ignore: Handler = (f, _v, _o, ctx) => {
  ctx.ignored.push(f.key);
};

const HANDLERS: Record<string, Handler> = {
  listen: (f, v, o) => {
    const { host, port } = asListen(f, v);
    if (typeof v === 'string') o.host = host;
    o.port = port;
  },
  port: (f, v, o) => void (o.port = asPort(f, v)),
  host: (f, v, o) => void (o.host = asString(f, v)),
  server_name: (f, v, o) => void (o.serverName = asString(f, v)),
  http: (f, v, o) => {
    const { host, port } = asListen(f, v);
    if (host !== undefined) o.httpHost = host;
    o.httpPort = port;
  },
  http_port: (f, v, o) => void (o.httpPort = asPort(f, v)),
  debug: (f, v, o) => void (o.debug = asBool(f, v)),
  trace: (f, v, o) => void (o.trace = asBool(f, v)),
  // Verbose tracing adds the system account's traffic; we have no system account.
  trace_verbose: (f, v, o) => void (o.trace = asBool(f, v)),
  max_payload: (f, v, o) => setOrDefault(o, 'maxPayload', int32(f, v)),
  max_control_line: (f, v, o) => setOrDefault(o, 'maxControlLine', int32(f, v)),
  max_pending: (f, v, o) => setOrDefault(o, 'maxPending', asInt(f, v)),
  max_connections: (f, v, o) => setOrDefault(o, 'maxConnections', asInt(f, v)),
  ping_interval: (f, v, o, ctx) => setOrDefault(o, 'pingInterval', asDuration(f, v, ctx.warnings)),
  ping_max: (f, v, o) => setOrDefault(o, 'pingMax', asInt(f, v)),
  write_deadline: (f, v, o, ctx) => setOrDefault(o, 'writeDeadline', asDuration(f, v, ctx.warnings)),
  lame_duck_duration: (f, v, o) => {
    const ms = asDurationString(f, v);
    if (ms < MIN_LAME_DUCK_MS) {
      throw confError(f, `invalid lame_duck_duration of ${formatGoDuration(ms)}, minimum is 30 seconds`);
    }
    o.lameDuckDuration = ms;
  },
  lame_duck_grace_period: (f, v, o) => {
    const ms = asDurationString(f, v);
    if (ms < 0) throw confError(f, 'invalid lame_duck_grace_period, needs to be positive');
    setOrDefault(o, 'lameDuckGracePeriod', ms);
  },
  ports_file_dir: (f, v, o) => void (o.portsFileDir = asString(f, v)),
  authorization: (f, v, o, ctx) => void (o.authorization = toAuthorization(f, v, ctx)),
  websocket: (f, v, o, ctx) => void (o.websocket = toWebSocket(f, v, ctx)),
  tls: (f, v, o, ctx) => void (o.tls = toTls(f, v, ctx)),
  https: useNatsServer('monitoring over HTTPS'),
  https_port: useNatsServer('monitoring over HTTPS'),
  jetstream: useNatsServer('JetStream'),
  store_dir: useNatsServer('JetStream'),
};

const ALIASES: Record<string, string> = {
  net: 'host',
  monitor_port: 'http_port',
  max_conn: 'max_connections',
  ws: 'websocket',
  storedir: 'store_dir',
};

/** Top-level keys of nats-server 2.9/2.10 that this broker does not implement. */
const NOT_IMPLEMENTED = [
  'client_advertise', 'logtime', 'logtime_utc', 'mappings', 'maps', 'disable_sublist_cache',
  'no_sublist_cache', 'http_base_path', 'cluster', 'gateway', 'leaf', 'leafnodes',
  'logfile', 'log_file', 'logfile_size_limit', 'log_size_limit', 'logfile_max_num', 'log_max_num',
  'syslog', 'remote_syslog', 'pidfile', 'pid_file', 'prof_port', 'prof_block_rate',
  'max_traced_msg_len', 'max_subscriptions', 'max_subs', 'max_sub_tokens',
  'max_subscription_tokens', 'ocsp', 'ocsp_cache', 'allow_non_tls',
  'roots', 'root', 'root_operators', 'root_operator', 'account_resolver',
  'accounts_resolver', 'resolver_tls', 'resolver_preload', 'resolver_pinned_accounts',
  'system_account', 'system', 'no_system_account', 'no_system', 'no_sys_acc',
  'no_header_support', 'connect_error_reports',
  'reconnect_error_reports', 'mqtt', 'server_tags', 'default_js_domain',
];
for (const key of NOT_IMPLEMENTED) HANDLERS[key] = ignore;

/**
 * Keys that decide who may connect. Ignoring one would open the broker wider than its
 * configuration says (users defined only under `accounts` would leave it with no auth at
 * all), so these stop the start instead of being warned about.
 */
const AUTH_NOT_IMPLEMENTED = ['accounts', 'no_auth_user', 'operator', 'operators', 'resolver', 'trusted', 'trusted_keys'];
for (const key of AUTH_NOT_IMPLEMENTED) HANDLERS[key] = useNatsServer(`"${key}"`);

/**
 * Reads a parsed configuration. Throws a ConfError naming the key (and its place in the
 * file) on a wrong type, an unknown key, a TLS setting it cannot honour or JetStream.
 */
export function toOptions(conf: ConfMap): ConfOptions {
  const ctx: ReadContext = { warnings: [], ignored: [] };
  const options: Out = {};
  for (const key of Object.keys(conf)) {
    const lower = key.toLowerCase();
    const handler = HANDLERS[ALIASES[lower] ?? lower];
    const f = field(conf, key);
    if (handler) handler(f, conf[key], options, ctx);
    // A key that exists only to be referenced as $key is not an unknown field (opts.go).
    else if (!isUsedAsVariable(conf, key)) throw confError(f, `unknown field "${key}"`);
  }
  const warnings = [...ctx.warnings];
  if (ctx.ignored.length > 0) {
    const names = [...new Set(ctx.ignored)].join(', ');
    warnings.unshift(`ignoring configuration we do not implement: ${names} (use nats-server for these)`);
  }
  return { options, warnings };
}
