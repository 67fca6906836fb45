/**
 * A bounded map whose entries each expire at an instant of their own: the gateway's caches
 * (verified access tokens, app-password checks, friends' faces) are all this. An entry is
 * gone from `expiresAt` on (read on the clock the caller passes, which tests move); when a
 * new entry would pass `max`, expired entries are dropped first and then the oldest.
 *
 * Not npm's lru-cache: its TTLs read a clock it caches between timer ticks and treat an entry
 * stored at time 0 as never expiring, while these caches need exact instants on the
 * service's own clock (`api.now`).
 */
export class ExpiringMap<K, V> {
  readonly #entries = new Map<K, { value: V; expiresAt: number }>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** Entries held, expired ones not yet dropped included. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value of `key` if it has not expired at `now`; an expired entry is dropped. */
  get(key: K, now: number): V | undefined {
    const hit = this.#entries.get(key);
    if (!hit) return undefined;
    if (now >= hit.expiresAt) {
      this.#entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  /** Stores `value` under `key` until `expiresAt` (as the newest entry). */
  set(key: K, value: V, expiresAt: number, now: number): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.#max) this.prune(now);
    while (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { value, expiresAt });
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }

  /** Drops every entry whose value `match`es. */
  deleteWhere(match: (value: V) => boolean): void {
    for (const [key, e] of this.#entries) if (match(e.value)) this.#entries.delete(key);
  }

  /** Drops the entries expired at `now`. */
  prune(now: number): void {
    for (const [key, e] of this.#entries) if (now >= e.expiresAt) this.#entries.delete(key);
  }
}
