/**
 * The monitoring endpoints, with nats-server's paths and field names (server/monitor.go):
 * /healthz, /varz, /connz (?cid=, ?subs=1) and /subsz. Read-only, JSON.
 */
import { createServer } from 'node:http';
import { cpus } from 'node:os';
import type { Listener } from '../transport/types.ts';
import type { Client } from './client.ts';
import { PROTOCOL_VERSION, type Server } from './server.ts';
import { DEFAULT_TLS_TIMEOUT } from './options.ts';

/** Go's uptime format: 1y2d3h4m5s with leading zero units left out. */
export function uptime(ms: number): string {
  let s = Math.floor(ms / 1000);
  const y = Math.floor(s / 31536000);
  s -= y * 31536000;
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (y) return `${y}y${d}d${h}h${m}m${s}s`;
  if (d) return `${d}d${h}h${m}m${s}s`;
  if (h) return `${h}h${m}m${s}s`;
  if (m) return `${m}m${s}s`;
  return `${s}s`;
}

function varz(s: Server): object {
  const o = s.options;
  return {
    server_id: s.id,
    server_name: s.name,
    version: PROTOCOL_VERSION,
    proto: 1,
    host: o.host,
    port: s.endpoints.port,
    max_connections: o.maxConnections,
    ping_interval: o.pingInterval * 1e6,
    ping_max: o.pingMax,
    http_host: o.httpHost,
    http_port: o.httpPort,
    auth_required: s.auth.required || undefined,
    tls_required: o.tls ? true : undefined,
    tls_verify: o.tls?.verify || undefined,
    // seconds, and there even without TLS, as nats-server reports it
    tls_timeout: (o.tls?.timeout ?? DEFAULT_TLS_TIMEOUT) / 1000,
    max_control_line: o.maxControlLine,
    max_payload: o.maxPayload,
    max_pending: o.maxPending,
    write_deadline: o.writeDeadline * 1e6,
    start: s.started.toISOString(),
    now: new Date().toISOString(),
    uptime: uptime(Date.now() - s.started.getTime()),
    mem: process.memoryUsage().rss,
    cores: cpus().length,
    connections: s.clients.size,
    total_connections: s.stats.totalConnections,
    in_msgs: s.stats.inMsgs,
    out_msgs: s.stats.outMsgs,
    in_bytes: s.stats.inBytes,
    out_bytes: s.stats.outBytes,
    slow_consumers: s.stats.slowConsumers,
    subscriptions: s.sublist.count,
  };
}

function connInfo(c: Client, subs: boolean): object {
  return {
    cid: c.cid,
    kind: 'Client',
    type: c.kind === 'websocket' ? 'websocket' : 'nats',
    ip: c.conn.remoteAddress,
    port: c.conn.remotePort,
    start: c.start.toISOString(),
    last_activity: new Date(c.lastActivity).toISOString(),
    uptime: uptime(Date.now() - c.start.getTime()),
    idle: uptime(Date.now() - c.lastActivity),
    pending_bytes: c.pending,
    in_msgs: c.stats.inMsgs,
    out_msgs: c.stats.outMsgs,
    in_bytes: c.stats.inBytes,
    out_bytes: c.stats.outBytes,
    subscriptions: c.subs.size,
    name: c.opts.name || undefined,
    lang: c.opts.lang || undefined,
    version: c.opts.version || undefined,
    authorized_user: c.identity?.name || undefined,
    subscriptions_list: subs ? [...c.subs.values()].map((s) => s.subject) : undefined,
  };
}

function connz(s: Server, q: URLSearchParams): object {
  const subs = ['1', 'true', 'detail'].includes(q.get('subs') ?? '');
  const cid = q.get('cid');
  let list = [...s.clients.values()].filter((c) => !c.isClosed);
  if (cid !== null) list = list.filter((c) => c.cid === Number(cid));
  const offset = Number(q.get('offset') ?? 0) || 0;
  const limit = Number(q.get('limit') ?? 1024) || 1024;
  const page = list.sort((a, b) => a.cid - b.cid).slice(offset, offset + limit);
  return {
    server_id: s.id,
    now: new Date().toISOString(),
    num_connections: page.length,
    total: list.length,
    offset,
    limit,
    connections: page.map((c) => connInfo(c, subs)),
  };
}

function subsz(s: Server): object {
  return { server_id: s.id, now: new Date().toISOString(), num_subscriptions: s.sublist.count, num_cache: s.sublist.cacheSize };
}

/** Serves the monitoring endpoints for `server` on host:port (-1: ephemeral). */
export function listenMonitor(server: Server, host: string, port: number): Promise<Listener> {
  const routes: Record<string, (q: URLSearchParams) => object> = {
    '/healthz': () => ({ status: 'ok' }),
    '/varz': () => varz(server),
    '/connz': (q) => connz(server, q),
    '/subsz': () => subsz(server),
  };
  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://monitor');
    const route = routes[url.pathname.replace(/\/$/, '') || '/'];
    if (req.method !== 'GET' || !route) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(route(url.searchParams), null, 2));
  });
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port < 0 ? 0 : port, host, () => {
      const addr = http.address();
      resolve({
        host,
        port: typeof addr === 'object' && addr ? addr.port : port,
        close: () => new Promise<void>((r) => { http.closeAllConnections?.(); http.close(() => r()); }),
      });
    });
  });
}
