/**
 * Operations: `/healthz` (the gateway process answers), `/readyz` (every service answers
 * its health request: 200, else 503 problem naming who does not, and why when a service
 * said why — a full disk, a damaged database file) and `/metrics` (Prometheus text).
 * Both show the certificate served over HTTPS when it is on (`https`: expiry, and an error when the files changed and are broken), and continuous replication when it is configured (`replication`: each database's
 * replica ok, lagging or failing); a failing replica leaves Hearth ready (docs/operations.md).
 */
import * as v from 'valibot';
import { healthOp, readinessOp, type ReadinessReply } from '../../kit/index.ts';
import { renderReplication } from '../metrics.ts';
import type { GatewayDeps } from '../deps.ts';
import { route } from '../route-spec.ts';
import { DEFAULT_RETRY_AFTER_S, problemResponse } from '../problem.ts';
import { AppError } from '../../kit/index.ts';

const tag = 'operations';
const HEALTH_TIMEOUT_MS = 1000;

/** The operations routes. */
export const opsRoutes = [
  route({
    method: 'GET',
    path: '/healthz',
    summary: 'The gateway is running',
    tag,
    access: 'public',
    reply: v.object({ status: v.literal('ok') }),
    handle: () => ({ status: 'ok' }),
  }),
  route({
    method: 'GET',
    path: '/readyz',
    summary: 'Every service answers its health request',
    tag,
    access: 'public',
    reply: v.object({ status: v.literal('ready'), services: v.record(v.string(), v.unknown()), replication: v.optional(v.unknown()), https: v.optional(v.unknown()) }),
    handle: async ({ deps, requestId }) => {
      const { services, replication: r } = await readiness(deps, requestId);
      // The certificate served (and why the files on disk are not, when they changed and are broken): shown, never a reason to be unready.
      const extra = { ...(r ? { replication: r } : {}), ...(deps.https ? { https: deps.https() } : {}) };
      const down = Object.keys(services).filter((n) => services[n]!.status !== 'ok').sort();
      if (!down.length) return { status: 'ready', services, ...extra };
      const why = down.map((n) => (services[n]!.reason ? `${n} (${services[n]!.reason})` : n));
      const res = problemResponse(
        new AppError('unavailable', 'gateway.not_ready', `Not ready: ${why.join('; ')}`, { retryAfterSeconds: DEFAULT_RETRY_AFTER_S }),
        requestId,
      );
      const body = { ...(await res.json()), services, ...extra };
      return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
    },
  }),
  route({
    method: 'GET',
    path: '/metrics',
    summary: 'Metrics in Prometheus text format (to clients on this machine only)',
    tag,
    access: 'public',
    replyType: 'text/plain; version=0.0.4; charset=utf-8',
    handle: async ({ deps, ip, requestId }) => {
      // Route counts and breaker states are for the owner's scraper, not the internet: only a
      // client on this machine (after trusted proxies are peeled off) may read them.
      if (!isLoopback(ip)) throw new AppError('forbidden', 'gateway.metrics_local_only', '/metrics answers clients on this machine only');
      const replication = await deps.upstream
        .call(readinessOp, {}, requestId, { timeoutMs: HEALTH_TIMEOUT_MS, retry: false })
        .then((r) => r.replication, () => undefined); // no supervisor: no replication series
      return new Response(deps.metrics.render() + renderReplication(replication), { headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' } });
    },
  }),
];

/**
 * Every service's health. Under `hearth serve` the supervisor knows every service that
 * should run (plug-ins included) and answers `sys.ready`; a gateway running alone asks the
 * services it knows itself.
 */
async function readiness(deps: GatewayDeps, requestId: string): Promise<Pick<ReadinessReply, 'services' | 'replication'>> {
  try {
    return await deps.upstream.call(readinessOp, {}, requestId, { timeoutMs: HEALTH_TIMEOUT_MS, retry: false });
  } catch {
    // no supervisor (or it is busy): ask the services we know
  }
  const services: ReadinessReply['services'] = {};
  await Promise.all(
    deps.readyServices.map(async (name) => {
      try {
        const h = await deps.upstream.call(healthOp(name), {}, requestId, { timeoutMs: HEALTH_TIMEOUT_MS, retry: false });
        services[name] = { status: h.status, pid: h.pid, ...(h.code ? { code: h.code, reason: h.reason } : {}) };
      } catch (err) {
        services[name] = { status: 'down', error: err instanceof AppError ? err.code : 'unreachable' };
      }
    }),
  );
  return { services };
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(ip: string): boolean {
  const a = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return a === '::1' || /^127\./.test(a);
}
