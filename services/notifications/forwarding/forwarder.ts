/**
 * The forwarder: sends due deliveries of the outbox to their targets. A pass picks up to
 * `batch` due deliveries, groups them by target and starts one chain per target; a chain
 * sends its target's deliveries one after another (in order, without hammering it) while
 * chains of other targets run beside it, and a target with a chain under way is left out of
 * later passes — so one slow target never holds another. Each send is claimed with a lease
 * first (see queue.ts) and ends in an attempt row. The inbox is never touched here.
 *
 * Retries: 408, 429, 5xx, network errors and timeouts wait `backoff` (half jitter: between
 * half and all of initial·2ⁿ, so waits do grow) or the receiver's `Retry-After` (capped at
 * the backoff maximum), until `maxAttempts`; other answers fail at once. One circuit
 * breaker per target (in this process): while open, the target's due deliveries move to
 * the moment it turns half-open without counting an attempt; then one trial goes through.
 *
 * Logs name deliveries and targets by id only: a target's URL can itself be the secret
 * (an ntfy topic), and error texts are built from codes (classify.ts), never from messages.
 */
import { backoffDelay, CircuitBreaker, Mutex, type BreakerState, type Db, type Logger } from '../../../src/kit/index.ts';
import type { SendResult } from './classify.ts';
import { claim, deferTarget, finish, loadTargets, pickDue, type Due, type Finish, type TargetRow } from './queue.ts';
import { buildRequest, post } from './send.ts';
import { prune } from './store.ts';

/** The forwarder's settings; everything but `db` and `log` has a default. */
export interface ForwarderOptions {
  db: Db;
  log: Logger;
  now?: () => number;
  fetch?: typeof fetch;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Attempts before a delivery fails, the first included (default 8). */
  maxAttempts?: number;
  /** Waits between attempts (default 5 s doubling up to 1 h). */
  backoff?: { initialMs: number; maxMs: number };
  /** Consecutive failures that open a target's breaker, and how long it stays open (default 5, 60 s). */
  breaker?: { threshold: number; cooldownMs: number };
  /** How often due deliveries are looked for (default 1 s). */
  tickMs?: number;
  /** Most deliveries one pass picks (default 50). */
  batch?: number;
  /** How often old deliveries and attempts are pruned (default hourly). */
  pruneEveryMs?: number;
  random?: () => number;
  /** The base of links into the web app (`public_url`); '' sends none. */
  publicUrl?: string;
}

type Settings = Required<Omit<ForwarderOptions, 'db' | 'log'>>;

/** A retryable answer, thrown through the breaker so that it counts as a failure. */
class RetryLater extends Error {
  readonly result: SendResult;
  constructor(result: SendResult) {
    super('retry later');
    this.result = result;
  }
}

/**
 * Sends the forwarding outbox. The service starts it, calls `kick()` after committing
 * notifications, and `await stop()` at shutdown.
 *
 * @example
 * const forwarder = new Forwarder({ db, log });
 * forwarder.start();
 * await db.write(async (tx) => { await enqueue(tx, userId, message, Date.now()); tx.afterCommit(() => forwarder.kick()); });
 * await forwarder.stop();
 */
export class Forwarder {
  readonly #db: Db;
  readonly #log: Logger;
  readonly #o: Settings;
  readonly #breakers = new Map<string, CircuitBreaker>();
  readonly #busy = new Set<string>();
  readonly #inflight = new Set<Promise<number>>();
  readonly #picking = new Mutex();
  #timers: ReturnType<typeof setInterval>[] = [];
  #running = false;
  #stopping = false;
  #passing: Promise<void> | undefined;
  #again = false;
  #pruning: Promise<void> | undefined;

  constructor(o: ForwarderOptions) {
    this.#db = o.db;
    this.#log = o.log.child({ part: 'forwarding' });
    this.#o = {
      now: Date.now,
      fetch: (url, init) => fetch(url, init),
      timeoutMs: 10_000,
      maxAttempts: 8,
      backoff: { initialMs: 5_000, maxMs: 3_600_000 },
      breaker: { threshold: 5, cooldownMs: 60_000 },
      tickMs: 1_000,
      batch: 50,
      pruneEveryMs: 3_600_000,
      random: Math.random,
      publicUrl: '',
      ...definedOnly(o),
    };
  }

  /** Starts looking for due deliveries every tick, and pruning now and then. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stopping = false;
    this.#timers = [setInterval(() => this.kick(), this.#o.tickMs), setInterval(() => this.#prune(), this.#o.pruneEveryMs)];
    this.kick();
    this.#prune();
  }

  /** Stops the loop and waits for sends under way (each is bounded by the timeout); due work stays pending. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#stopping = true;
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    await this.#passing;
    await Promise.allSettled([...this.#inflight]);
    await this.#pruning;
  }

  /** Looks for due deliveries now (while started): call it after committing new ones. */
  kick(): void {
    if (!this.#running) return;
    if (this.#passing) {
      this.#again = true;
      return;
    }
    this.#passing = this.#pass()
      .then(() => undefined)
      .catch((err) => this.#log.warn('forwarding pass failed; trying again next tick', { err }))
      .finally(() => {
        this.#passing = undefined;
        if (this.#again) {
          this.#again = false;
          this.kick();
        }
      });
  }

  /** One pass, waiting for the sends it started; returns how many sends were made. For tests and tools. */
  async runOnce(): Promise<number> {
    const counts = await Promise.all(await this.#pass());
    return counts.reduce((a, b) => a + b, 0);
  }

  /** The breaker state of a target in this process ('closed' for one never failed). */
  breakerState(targetId: string): BreakerState {
    return this.#breakers.get(targetId)?.state ?? 'closed';
  }

  async #pass(): Promise<Promise<number>[]> {
    return this.#picking.run(async () => {
      const due = await pickDue(this.#db, this.#o.now(), this.#o.batch, [...this.#busy]);
      const byTarget = new Map<string, Due[]>();
      for (const d of due) byTarget.set(d.targetId, [...(byTarget.get(d.targetId) ?? []), d]);
      const targets = await loadTargets(this.#db, [...byTarget.keys()]);
      return [...byTarget].map(([targetId, list]) => {
        this.#busy.add(targetId);
        const chain: Promise<number> = this.#chain(targetId, targets.get(targetId), list)
          .catch((err) => {
            this.#log.warn('forwarding to a target failed; trying again next tick', { targetId, err });
            return 0;
          })
          .then((sent) => {
            this.#busy.delete(targetId);
            this.#inflight.delete(chain);
            // More of this target may have fallen due meanwhile; after a failure, wait for the tick.
            if (sent > 0) this.kick();
            return sent;
          });
        this.#inflight.add(chain);
        return chain;
      });
    });
  }

  async #chain(targetId: string, target: TargetRow | undefined, list: Due[]): Promise<number> {
    let sent = 0;
    for (const d of list) {
      if (this.#stopping) break; // what is not claimed stays pending for the next start
      if (!target) {
        this.#breakers.delete(targetId);
        await this.#record(d, d.nextAt, { kind: 'refused', status: null, error: 'target deleted' }, 0);
        continue;
      }
      const breaker = this.#breaker(targetId);
      if (breaker.state === 'open') {
        await deferTarget(this.#db, targetId, this.#o.now(), breaker.reopensAt);
        break;
      }
      const leaseUntil = this.#o.now() + 2 * this.#o.timeoutMs + 10_000;
      if (!(await claim(this.#db, d, leaseUntil))) continue; // another instance has it
      const started = performance.now();
      const result = await this.#send(breaker, target, d);
      await this.#record(d, leaseUntil, result, Math.round(performance.now() - started));
      sent++;
    }
    return sent;
  }

  async #send(breaker: CircuitBreaker, target: TargetRow, d: Due): Promise<SendResult> {
    const req = buildRequest(target, d.message, d.id, this.#o.now(), this.#o.publicUrl ? { publicUrl: this.#o.publicUrl } : {});
    if ('kind' in req) return req;
    const wasOpen = breaker.state !== 'closed';
    try {
      // Retryable results are thrown through the breaker so that they count against the target;
      // a refusal is an answer: the target is up.
      return await breaker.run(async () => {
        const result = await post(this.#o.fetch, req, this.#o.timeoutMs, this.#o.now);
        if (result.kind === 'retry') throw new RetryLater(result);
        return result;
      }, (err) => err instanceof RetryLater);
    } catch (err) {
      if (err instanceof RetryLater) return err.result;
      throw err; // the breaker's own refusal cannot happen here (checked before claiming), so this is a bug
    } finally {
      const state = breaker.state;
      if (state === 'open') {
        if (!wasOpen) this.#log.warn('target unreachable; its deliveries wait', { targetId: target.id, forMs: this.#o.breaker.cooldownMs });
      } else if (wasOpen && state === 'closed') {
        this.#log.info('target reachable again', { targetId: target.id });
      }
    }
  }

  async #record(d: Due, heldAt: number, result: SendResult, durationMs: number): Promise<void> {
    const attempt = d.attempts + 1;
    const now = this.#o.now();
    const retry = result.kind === 'retry' && attempt < this.#o.maxAttempts;
    const f: Finish = {
      status: result.kind === 'delivered' ? 'delivered' : retry ? 'pending' : 'failed',
      outcome: result.kind === 'delivered' ? 'delivered' : retry ? 'retrying' : 'failed',
      nextAt: result.kind === 'retry' && retry ? now + this.#wait(result.retryAfterMs, attempt) : now,
      at: new Date(now).toISOString(),
      httpStatus: result.status,
      error: result.kind === 'delivered' ? null : result.error,
      durationMs,
    };
    const fields = { deliveryId: d.id, targetId: d.targetId, attempt, status: result.status, error: f.error };
    if (!(await finish(this.#db, d, heldAt, f))) {
      this.#log.warn('a delivery changed hands or its target went; this attempt is not recorded', fields);
    } else if (f.outcome === 'delivered') {
      this.#log.debug('delivered', fields);
    } else if (f.outcome === 'retrying') {
      this.#log.info('delivery will be retried', { ...fields, inMs: f.nextAt - now });
    } else {
      this.#log.warn('delivery failed', fields);
    }
  }

  /** The wait after failed attempt number `attempt` (1-based). */
  #wait(retryAfterMs: number | null, attempt: number): number {
    const b = this.#o.backoff;
    if (retryAfterMs !== null) return Math.min(retryAfterMs, b.maxMs);
    return backoffDelay(b, attempt - 1, () => 0.5 + this.#o.random() / 2); // half jitter: waits grow, still spread
  }

  #breaker(targetId: string): CircuitBreaker {
    let breaker = this.#breakers.get(targetId);
    if (!breaker) {
      // Named by id: the breaker's error text must not carry the URL.
      breaker = new CircuitBreaker(`target ${targetId}`, { ...this.#o.breaker, now: this.#o.now });
      this.#breakers.set(targetId, breaker);
    }
    return breaker;
  }

  #prune(): void {
    if (this.#pruning) return;
    this.#pruning = prune(this.#db, this.#o.now())
      .then((n) => void (n && this.#log.debug('pruned old deliveries', { rows: n })))
      .catch((err) => this.#log.warn('pruning deliveries failed; trying again later', { err }))
      .finally(() => (this.#pruning = undefined));
  }
}

/** The options that were given (an explicit `undefined` must not hide a default). */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && k !== 'db' && k !== 'log')) as Partial<T>;
}
