/**
 * The `websocket` block (opts.go parseWebsocket and websocket.go validateWebsocketOptions
 * at v2.9.10): wss:// with a `tls` block, or plain ws:// when the file says so with
 * `no_tls: true`, as nats-server insists.
 */
import { DEFAULT_OPTIONS } from '../server/options.ts';
import type { WebSocketOptions } from '../server/options.ts';
import { isUsedAsVariable } from './conf-meta.ts';
import { asBool, asListen, asMap, asPort, asString, confError, field } from './conf-values.ts';
import type { Field, ReadContext } from './conf-values.ts';
import { toTls } from './to-tls.ts';

const NOT_IMPLEMENTED = new Set([
  'advertise',
  'same_origin',
  'allowed_origins',
  'allowed_origin',
  'allow_origins',
  'allow_origin',
  'origins',
  'origin',
  'handshake_timeout',
]);

/** Websocket keys that decide who may connect: refusing them beats silently ignoring them. */
const AUTH_NOT_IMPLEMENTED = new Set(['authorization', 'authentication', 'jwt_cookie', 'no_auth_user']);

/** Reads a websocket map; undefined when it leaves websocket off (port 0 or none). */
export function toWebSocket(f: Field, v: unknown, ctx: ReadContext): WebSocketOptions | undefined {
  const m = asMap(f, v);
  let host: string | undefined;
  let port = 0;
  let noTls = false;
  let compression = false;
  let tls: WebSocketOptions['tls'];
  for (const key of Object.keys(m)) {
    const kf = field(m, key, f.path);
    const k = key.toLowerCase();
    if (k === 'listen') ({ host, port } = asListen(kf, m[key]));
    else if (k === 'port') port = asPort(kf, m[key]);
    else if (k === 'host' || k === 'net') host = asString(kf, m[key]);
    else if (k === 'no_tls') noTls = asBool(kf, m[key]);
    else if (k === 'compress' || k === 'compression') compression = asBool(kf, m[key]);
    // nats-server serves TLS whenever a tls block is present, even with no_tls: true
    // (websocket.go startWebsocketServer).
    else if (k === 'tls') tls = toTls(kf, m[key], ctx);
    else if (AUTH_NOT_IMPLEMENTED.has(k)) {
      throw confError(kf, `websocket.${key} is not supported by this broker; use nats-server for it`);
    } else if (NOT_IMPLEMENTED.has(k)) ctx.ignored.push(kf.path);
    else if (!isUsedAsVariable(m, key)) throw confError(kf, `unknown field "${key}"`);
  }
  if (port === 0) return undefined;
  if (!noTls && !tls) {
    throw confError(f, 'websocket requires TLS configuration: add a tls block, or set no_tls: true for plain ws://');
  }
  // nats-server falls back to 0.0.0.0 here, not to the client host; our default stays local.
  return { host: host ?? DEFAULT_OPTIONS.host, port, noTls, compression, ...(tls ? { tls } : {}) };
}
