/**
 * Readiness: the supervisor asks every service `sys.health.<service>` — every 25 ms until all
 * have first answered (only those not yet `ok`; a service not yet listening costs a
 * no-responders reply, one still booting an answer `starting`), every 100 ms while one is
 * down later on, and otherwise every `health_interval_ms` — and Hearth is ready when every one answers
 * `ok`. A service that stops answering makes Hearth not ready until it is back; one that
 * answers `degraded` (a full disk, a damaged database) is not ready either, and its reason
 * (the file, what to do) is logged once per change and shown by /readyz.
 */
import type { NatsConnection } from 'nats';
import { healthOp, Requester, type HealthReply, type Logger, type ReadinessReply } from '../kit/index.ts';

/** How often services are asked until all have answered once (was 100 ms: up to a tenth of a second added to every start). */
const STARTING_POLL_MS = 25;

/** What /readyz reports. */
export type Readiness = ReadinessReply;

/**
 * Polls the services' health.
 *
 * @example
 * const watch = new HealthWatch(nc, ['chat', 'users'], log, 2000);
 * watch.start();
 * await watch.whenReady(30_000);
 */
export class HealthWatch {
  readonly #req: Requester;
  readonly #services: readonly string[];
  readonly #log: Logger;
  readonly #intervalMs: number;
  #state: Readiness;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  /** Every service has answered once (settled) since `start`. */
  #started = false;
  readonly #waiters: (() => void)[] = [];

  constructor(nc: NatsConnection, services: readonly string[], log: Logger, intervalMs: number) {
    this.#req = new Requester(nc, { timeoutMs: 1000, maxRequestBytes: 1024, attempts: 1, breaker: { threshold: 1e9, cooldownMs: 0 } });
    this.#services = services;
    this.#log = log;
    this.#intervalMs = intervalMs;
    this.#state = { ready: services.length === 0, services: Object.fromEntries(services.map((s) => [s, { status: 'starting' }])) };
  }

  /** The latest readiness. */
  get state(): Readiness {
    return this.#state;
  }

  /** Starts polling. */
  start(): void {
    void this.#poll();
  }

  /**
   * Resolves when every service is healthy — or has answered `degraded`, which waiting will
   * not mend (a damaged file, a full disk) — or after `timeoutMs`; `state` says which.
   */
  whenReady(timeoutMs: number): Promise<void> {
    if (this.#state.ready) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Stops polling. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  async #poll(): Promise<void> {
    // Until every service has answered once, one already `ok` is not asked again at each
    // quick round (it is at the next regular one): the quick rounds cost only the late ones.
    const results = await Promise.all(this.#services.map((s) => {
      const last = this.#state.services[s];
      return !this.#started && last?.status === 'ok' ? last : this.#check(s);
    }));
    const services = Object.fromEntries(this.#services.map((s, i) => [s, results[i]!]));
    const ready = results.every((r) => r.status === 'ok');
    for (const [name, now] of Object.entries(services)) {
      const was = this.#state.services[name];
      if (now.reason && now.reason !== was?.reason) this.#log.error('service degraded', { service: name, code: now.code, reason: now.reason });
      else if (!now.reason && was?.reason && now.status === 'ok') this.#log.info('service recovered', { service: name, was: was.code });
    }
    if (ready !== this.#state.ready) {
      this.#log[ready ? 'info' : 'warn'](ready ? 'all services healthy' : 'not ready', {
        unhealthy: Object.keys(services).filter((s) => services[s]!.status !== 'ok'),
      });
    }
    this.#state = { ready, services };
    // Degraded services answer, and asking them faster helps nothing (a full one tries a write each time).
    const settled = results.every((r) => r.status === 'ok' || r.status === 'degraded');
    if (settled) this.#waiters.splice(0).forEach((w) => w());
    // At the first start, soon: the last service's `ok` is what /readyz and the banner wait for.
    if (settled) this.#started = true;
    if (!this.#stopped) this.#timer = setTimeout(() => void this.#poll(), settled ? this.#intervalMs : this.#started ? 100 : STARTING_POLL_MS);
  }

  async #check(service: string): Promise<Readiness['services'][string]> {
    try {
      const h: HealthReply = await this.#req.request(healthOp(service), {});
      return { status: h.status, pid: h.pid, head: h.head, published: h.published, info: h.info, ...(h.code ? { code: h.code, reason: h.reason } : {}) };
    } catch (err) {
      return { status: 'down', error: (err as Error).message };
    }
  }
}
