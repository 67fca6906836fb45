/**
 * A small seeded random source (mulberry32) and the picks the fuzzers make with it: the
 * same seed gives the same requests and frames, so a failure found once is found again
 * with `FUZZ_SEED=<seed>`.
 */

/** A seeded generator of numbers, choices, strings and bytes. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of `xs`. */
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }

  /** One of the functions of `table`, weighted by its number. */
  weighted<T>(table: readonly (readonly [number, T])[]): T {
    const total = table.reduce((n, [w]) => n + w, 0);
    let r = this.next() * total;
    for (const [w, x] of table) if ((r -= w) < 0) return x;
    return table[table.length - 1]![1];
  }

  /** `n` random bytes. */
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(0, 255);
    return b;
  }

  /** A string of `n` characters from `alphabet`. */
  string(n: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(0, alphabet.length - 1)];
    return s;
  }
}

/** The seed of a run: `FUZZ_SEED` when set, else `fallback` (not HEARTH_…: Hearth would read that as configuration). */
export function seedFrom(env: Record<string, string | undefined>, fallback: number): number {
  const s = Number(env.FUZZ_SEED);
  return Number.isInteger(s) && s >= 0 ? s : fallback;
}
