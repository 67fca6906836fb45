/**
 * The gateway's Prometheus metrics (text format 0.0.4): requests by route, method and
 * status; a latency histogram by route and method; problem answers by route and code;
 * rate-limit refusals; open streams (a getter the stream registers); breaker states of the
 * services the gateway calls. Routes are the matched patterns (`/v1/groups/:groupId`), or
 * `unmatched`, so label values stay few. With replication configured, `renderReplication`
 * adds the supervisor's view of Litestream (`hearth_replication_*`).
 */
import type { ReplicationReadiness } from '../kit/index.ts';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
/** Breaker state → gauge value. */
export const BREAKER_VALUE: Readonly<Record<string, number>> = { closed: 0, 'half-open': 1, open: 2 };

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

/**
 * The metrics registry.
 *
 * @example
 * metrics.observe('/v1/me', 'GET', 200, 0.004);
 * metrics.render(); // '# HELP hearth_http_requests_total …'
 */
export class Metrics {
  readonly #requests = new Map<string, number>();
  readonly #latency = new Map<string, Histogram>();
  readonly #errors = new Map<string, number>();
  readonly #limited = new Map<string, number>();
  #openStreams: () => number = () => 0;
  #breakers: () => Record<string, string> = () => ({});

  /** Counts one answered request. */
  observe(route: string, method: string, status: number, seconds: number): void {
    bump(this.#requests, labels({ route, method, status: String(status) }));
    const key = labels({ route, method });
    let h = this.#latency.get(key);
    if (!h) this.#latency.set(key, (h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    BUCKETS.forEach((le, i) => void (seconds <= le && h.counts[i]!++));
    h.sum += seconds;
    h.count++;
  }

  /** Counts one problem answer. */
  error(route: string, code: string): void {
    bump(this.#errors, labels({ route, code }));
  }

  /** Counts one rate-limit refusal. */
  limited(scope: string): void {
    bump(this.#limited, labels({ scope }));
  }

  /** Registers how the number of open streams is read (the stream calls this). */
  setOpenStreams(fn: () => number): void {
    this.#openStreams = fn;
  }

  /** Registers how breaker states are read. */
  setBreakers(fn: () => Record<string, string>): void {
    this.#breakers = fn;
  }

  /** The metrics in Prometheus text format. */
  render(): string {
    const out: string[] = [];
    family(out, 'hearth_http_requests_total', 'counter', 'HTTP requests answered', this.#requests);
    out.push('# HELP hearth_http_request_duration_seconds Time to answer an HTTP request', '# TYPE hearth_http_request_duration_seconds histogram');
    for (const [key, h] of this.#latency) {
      BUCKETS.forEach((le, i) => out.push(`hearth_http_request_duration_seconds_bucket{${key},le="${le}"} ${h.counts[i]}`));
      out.push(`hearth_http_request_duration_seconds_bucket{${key},le="+Inf"} ${h.count}`);
      out.push(`hearth_http_request_duration_seconds_sum{${key}} ${h.sum}`, `hearth_http_request_duration_seconds_count{${key}} ${h.count}`);
    }
    family(out, 'hearth_http_errors_total', 'counter', 'Problem answers by route and error code', this.#errors);
    family(out, 'hearth_rate_limited_total', 'counter', 'Requests refused by a rate limit', this.#limited);
    out.push('# HELP hearth_stream_open Open real-time streams', '# TYPE hearth_stream_open gauge', `hearth_stream_open ${safe(this.#openStreams)}`);
    out.push('# HELP hearth_breaker_state Circuit breaker per service (0 closed, 1 half-open, 2 open)', '# TYPE hearth_breaker_state gauge');
    for (const [service, state] of Object.entries(this.#breakers())) {
      out.push(`hearth_breaker_state{${labels({ service })}} ${BREAKER_VALUE[state] ?? 0}`);
    }
    return out.join('\n') + '\n';
  }
}

function family(out: string[], name: string, type: string, help: string, series: Map<string, number>): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  for (const [key, n] of series) out.push(`${name}{${key}} ${n}`);
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function labels(l: Record<string, string>): string {
  return Object.entries(l)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}

function safe(fn: () => number): number {
  try {
    const n = fn();
    return Number.isFinite(n) ? n : 0;
  } catch {
    return 0; // a broken getter must not break the whole scrape
  }
}

/** Replica status → gauge value. */
export const REPLICA_STATUS_VALUE: Readonly<Record<string, number>> = { ok: 0, starting: 1, lagging: 2, failing: 3 };

/**
 * Continuous replication in Prometheus text (nothing when it is not configured): per
 * service database its lag, status, errors and when it last shipped; Litestream's restarts.
 *
 * @example
 * renderReplication(readiness.replication); // '# HELP hearth_replication_lag_seconds …'
 */
export function renderReplication(r: ReplicationReadiness | undefined): string {
  if (!r) return '';
  const out: string[] = [];
  const dbs = Object.entries(r.databases);
  const gauge = (name: string, type: string, help: string, value: (d: ReplicationReadiness['databases'][string]) => number | undefined) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [service, d] of dbs) {
      const n = value(d);
      if (n !== undefined) out.push(`${name}{${labels({ service })}} ${n}`);
    }
  };
  gauge('hearth_replication_lag_seconds', 'gauge', 'Seconds for which the replica has lacked writes Litestream has read from the database (0: caught up)', (d) => d.lagSeconds);
  gauge('hearth_replication_status', 'gauge', 'Replica status per database (0 ok, 1 starting, 2 lagging, 3 failing)', (d) => REPLICA_STATUS_VALUE[d.status] ?? 3);
  gauge('hearth_replication_errors_total', 'counter', 'Errors Litestream reported for the database since Hearth started', (d) => d.errors);
  gauge('hearth_replication_last_shipped_timestamp_seconds', 'gauge', 'When Litestream last shipped something for the database (Unix time)', (d) => (d.shippedAt ? Date.parse(d.shippedAt) / 1000 : undefined));
  out.push('# HELP hearth_replication_litestream_up Whether the Litestream process runs', '# TYPE hearth_replication_litestream_up gauge', `hearth_replication_litestream_up ${r.litestream.running ? 1 : 0}`);
  out.push('# HELP hearth_replication_litestream_restarts_total Times the supervisor restarted Litestream', '# TYPE hearth_replication_litestream_restarts_total counter', `hearth_replication_litestream_restarts_total ${r.litestream.restarts}`);
  return out.join('\n') + '\n';
}
