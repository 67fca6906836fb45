/**
 * Exponential backoff with full jitter, and a retry loop built on it. Used for idempotent
 * broker calls, the outbox relay and consumer catch-up.
 */

/** Backoff settings: the first delay, the cap, and the growth factor. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
  factor?: number;
}

/**
 * The delay before attempt `attempt` (0-based): a random point in [0, min(max, initial·factorⁿ)]
 * ("full jitter"), so many clients retrying at once spread out.
 *
 * @example
 * backoffDelay({ initialMs: 100, maxMs: 5000 }, 3); // somewhere in 0..800 ms
 */
export function backoffDelay(b: Backoff, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(b.maxMs, b.initialMs * (b.factor ?? 2) ** attempt);
  return Math.round(random() * ceiling);
}

/** The deterministic upper bound of `backoffDelay` (for supervisor restarts, which need no jitter). */
export function backoffCeiling(b: Backoff, attempt: number): number {
  return Math.min(b.maxMs, b.initialMs * (b.factor ?? 2) ** attempt);
}

/** Options of `retry`: how many attempts, how to wait, which errors are worth another try. */
export interface RetryOptions extends Backoff {
  attempts: number;
  retryable: (err: unknown) => boolean;
  signal?: AbortSignal;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs `fn` until it succeeds, a non-retryable error is thrown, or the attempts run out.
 *
 * @example
 * await retry(() => bus.request(op, data), { attempts: 3, initialMs: 50, maxMs: 1000, retryable: isRetryable });
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt + 1 >= o.attempts || !o.retryable(err) || o.signal?.aborted) throw err;
      const delay = backoffDelay(o, attempt);
      o.onRetry?.(err, attempt, delay);
      await sleep(delay, o.signal);
      if (o.signal?.aborted) throw err; // aborted while waiting: no further attempt
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
