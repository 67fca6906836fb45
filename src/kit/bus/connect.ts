/**
 * One broker connection per process, through the official NATS client: `nats://` and
 * `tls://` over TCP with the `nats` package (TLS is required as soon as one URL says
 * `tls://` or a CA or client certificate is given: the client then refuses a server that
 * does not offer it, rather than talking in clear), `ws://`/`wss://` over WebSocket with
 * `nats.ws` (which needs a global WebSocket: Bun, Deno, Node 22+, browsers). The client
 * reconnects forever; requests made while it is away fail fast as `unavailable`. The URL
 * may be a comma-separated list of the servers of a cluster, as every NATS client takes
 * them: the client connects to one and fails over to the others (and to the servers the
 * cluster tells it about).
 */
import type { NatsConnection } from 'nats';

/** Where the broker is and who we are. */
export interface BrokerTarget {
  /** One server URL, or several separated by commas (a cluster). */
  url: string;
  user?: string;
  password?: string;
  token?: string;
  /** Connection name, shown in the broker's /connz. */
  name: string;
  /** Reply subjects for this process start with it (so its credential can be limited to it). */
  inboxPrefix?: string;
  /** Give up on the first connect after this long (ms). */
  connectTimeoutMs?: number;
  /** PEM files for `tls://`: the CAs to trust (else the system's), and a client certificate and key. */
  tls?: BrokerTls;
}

/** PEM files for a TLS connection to the broker; empty strings count as unset. */
export interface BrokerTls {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

/**
 * Connects to the broker.
 *
 * @example
 * const nc = await connectBroker({ url: 'nats://127.0.0.1:4222', name: 'hearth-chat', user, password });
 */
export async function connectBroker(t: BrokerTarget): Promise<NatsConnection> {
  const ws = /^wss?:\/\//i.test(t.url);
  const opts = {
    servers: brokerServers(t.url),
    name: t.name,
    ...(t.user ? { user: t.user, pass: t.password ?? '' } : {}),
    ...(t.token ? { token: t.token } : {}),
    ...(t.inboxPrefix ? { inboxPrefix: t.inboxPrefix } : {}),
    timeout: t.connectTimeoutMs ?? 5000,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    pingInterval: 10_000,
    ignoreClusterUpdates: false,
    // The client otherwise captures two stack traces (`new Error()`) per request, for a
    // timeout's message: a measurable share of the gateway's CPU per fix (docs/benchmarks.md,
    // #18). The requester names the subject of a failed request in its own error instead.
    noAsyncTraces: true,
  };
  const tls = tcpTls(t);
  if (ws) {
    if (tls && Object.keys(tls).length > 0) {
      throw new Error(`${t.url}: broker.tls files apply to tls:// URLs; over wss:// the runtime's WebSocket trusts the system's CAs and sends no client certificate`);
    }
    if (typeof globalThis.WebSocket !== 'function') {
      throw new Error(`${t.url}: this runtime has no WebSocket; use a nats:// URL`);
    }
    const { connect } = await import('nats.ws');
    return (await connect(opts)) as unknown as NatsConnection;
  }
  const nats = await import('nats');
  // CommonJS: bundled (build/node/), its exports are only `default`.
  const { connect } = 'connect' in nats ? nats : (nats as { default: typeof nats }).default;
  return connect(tls ? { ...opts, tls } : opts);
}

/**
 * The `tls` option of the `nats` client, or undefined for plain TCP. Present (maybe empty)
 * when TLS is required: nats.js itself reads `tls://` like `nats://`, and only the option
 * makes it refuse a server whose INFO does not say `tls_required`.
 *
 * @example
 * tcpTls({ url: 'tls://a:4222', name: 'x' }); // {}
 */
export function tcpTls(t: Pick<BrokerTarget, 'url' | 'tls'>): BrokerTls | undefined {
  const files = Object.fromEntries(Object.entries(t.tls ?? {}).filter(([, v]) => v)) as BrokerTls;
  const wanted = Object.keys(files).length > 0 || brokerServers(t.url).some((u) => /^tls:\/\//i.test(u));
  if (!wanted) return undefined;
  if (Boolean(files.certFile) !== Boolean(files.keyFile)) {
    throw new Error('broker.tls.cert_file and broker.tls.key_file go together: set both or neither');
  }
  return files;
}

/**
 * The servers of a broker URL: one URL, or several separated by commas.
 *
 * @example
 * brokerServers('nats://a:4222, nats://b:4222'); // ['nats://a:4222', 'nats://b:4222']
 */
export function brokerServers(url: string): string[] {
  return url.split(',').map((s) => s.trim()).filter(Boolean);
}
