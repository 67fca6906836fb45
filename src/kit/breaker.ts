/**
 * A circuit breaker per destination. After `threshold` consecutive infrastructure failures
 * (timeouts, no responders) it opens and calls fail fast with `kit.circuit_open` for
 * `cooldownMs`; then one trial call is let through (half-open): success closes it, failure
 * opens it again. Typed errors from the callee are answers, not failures, and never trip it.
 */
import { AppError } from './errors.ts';

/** Breaker settings. */
export interface BreakerOptions {
  threshold: number;
  cooldownMs: number;
  now?: () => number;
}

/** The state a breaker is in. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * One destination's breaker.
 *
 * @example
 * const breaker = new CircuitBreaker('users', { threshold: 5, cooldownMs: 2000 });
 * const reply = await breaker.run(() => call(), (err) => err instanceof AppError && err.retryable);
 */
export class CircuitBreaker {
  readonly name: string;
  #failures = 0;
  #openedAt = 0;
  #state: BreakerState = 'closed';
  #trial = false;
  readonly #o: Required<BreakerOptions>;

  constructor(name: string, options: BreakerOptions) {
    this.name = name;
    this.#o = { now: Date.now, ...options };
  }

  /** The current state (an open breaker whose cooldown passed reports half-open). */
  get state(): BreakerState {
    if (this.#state === 'open' && this.#o.now() - this.#openedAt >= this.#o.cooldownMs) return 'half-open';
    return this.#state;
  }

  /** When an open breaker lets a trial through (epoch ms); 0 unless it is open. */
  get reopensAt(): number {
    return this.#state === 'open' ? this.#openedAt + this.#o.cooldownMs : 0;
  }

  /** Runs `fn` through the breaker; `isFailure` says which errors count against the callee. */
  async run<T>(fn: () => Promise<T>, isFailure: (err: unknown) => boolean): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.#trial)) {
      throw new AppError('unavailable', 'kit.circuit_open', `${this.name} is unavailable (circuit open after repeated failures)`, {
        destination: this.name,
      });
    }
    if (state === 'half-open') this.#trial = true;
    try {
      const result = await fn();
      this.#answered();
      return result;
    } catch (err) {
      if (isFailure(err)) this.#fail();
      else this.#answered(); // a typed error is an answer: the callee is reachable
      throw err;
    } finally {
      if (state === 'half-open') this.#trial = false;
    }
  }

  #answered(): void {
    this.#failures = 0;
    this.#state = 'closed';
  }

  #fail(): void {
    this.#failures++;
    if (this.#state === 'open' || this.#failures >= this.#o.threshold) {
      this.#state = 'open';
      this.#openedAt = this.#o.now();
    }
  }
}
