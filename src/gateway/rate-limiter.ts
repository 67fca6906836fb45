/**
 * Rate limits as in-memory token buckets, one per (scope, key): a bucket holds up to a
 * minute's allowance and refills continuously, so a client may burst up to its limit and
 * then goes at the steady rate. Idle full buckets are pruned, and the table is bounded, so
 * a spray of addresses cannot grow memory without limit. With several gateways each
 * enforces its share of the configured limit: the limit divided by the number of gateways
 * alive (peers.ts), so clients spread evenly over them get what one gateway would allow.
 */
import { AppError } from '../kit/index.ts';

/**
 * The scopes limited: every request per client IP, every request per user, sign-in attempts
 * per IP; and on `POST /v1/owntracks` instead of the first two, posts per (user, device)
 * and per user over all their phones (`PHONES_PER_USER` devices' worth).
 */
export type LimitScope = 'ip' | 'user' | 'auth' | 'device' | 'phones';
/** The scopes every limiter has; the phones' are optional (absent: not limited). */
export type LimitRates = Readonly<Record<'ip' | 'user' | 'auth', number>> & Partial<Readonly<Record<'device' | 'phones', number>>>;

/** How many phones' worth of posts one user may make to `/v1/owntracks` together. */
export const PHONES_PER_USER = 4;

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_BUCKETS = 100_000;

/**
 * Token buckets by scope.
 *
 * @example
 * const limiter = new RateLimiter({ ip: 1200, user: 600, auth: 10 });
 * limiter.take('auth', '192.0.2.1'); // throws gateway.rate_limited (429) when empty
 */
export class RateLimiter {
  readonly #perMinute: LimitRates;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();
  /** How many gateways share the limits. */
  #gateways = 1;
  /** Called on each refusal (metrics). */
  onLimited: (scope: LimitScope) => void = () => undefined;

  constructor(perMinute: LimitRates, now: () => number = Date.now) {
    this.#perMinute = perMinute;
    this.#now = now;
  }

  /** Shares every limit among `gateways` gateways from now on (a bucket over its new capacity is cut to it). */
  share(gateways: number): void {
    this.#gateways = Math.max(1, Math.floor(gateways));
  }

  /** This gateway's share of `scope`'s limit per minute (at least one), or undefined when it is not limited. */
  #capacity(scope: LimitScope): number | undefined {
    const limit = this.#perMinute[scope];
    return limit === undefined ? undefined : Math.max(1, limit / this.#gateways);
  }

  /** Takes one token for `key` in `scope`, or throws 429 with the seconds until one is back. */
  take(scope: LimitScope, key: string): void {
    const capacity = this.#capacity(scope);
    if (capacity === undefined) return;
    const perMs = capacity / 60_000;
    const now = this.#now();
    const id = `${scope}\0${key}`;
    let b = this.#buckets.get(id);
    if (!b) {
      if (this.#buckets.size >= MAX_BUCKETS) this.prune();
      if (this.#buckets.size >= MAX_BUCKETS) this.#buckets.delete(this.#buckets.keys().next().value!); // the oldest
      this.#buckets.set(id, (b = { tokens: capacity, at: now }));
    }
    b.tokens = Math.min(capacity, b.tokens + (now - b.at) * perMs);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return;
    }
    this.onLimited(scope);
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
    throw new AppError('unavailable', 'gateway.rate_limited', `Too many requests; try again in ${retryAfterSeconds} s`, { scope, retryAfterSeconds });
  }

  /** Drops buckets that have refilled completely (they hold nothing a new bucket would not). */
  prune(): void {
    const now = this.#now();
    for (const [id, b] of this.#buckets) {
      const scope = id.slice(0, id.indexOf('\0')) as LimitScope;
      const capacity = this.#capacity(scope) ?? 0;
      if (b.tokens + ((now - b.at) * capacity) / 60_000 >= capacity) this.#buckets.delete(id);
    }
  }

  /** How many buckets exist (for tests and metrics). */
  get size(): number {
    return this.#buckets.size;
  }
}
