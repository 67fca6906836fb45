/**
 * HTTP Basic with an email and an app password, for devices that cannot do the token dance
 * (OwnTracks, scripts). The users service checks the pair (`VerifyAppPassword`); a good
 * answer is cached for `ttlMs` under a hash of the pair — never the password itself — so a
 * device posting every few seconds does not cost a password hash each time. A revoked app
 * password therefore keeps working for at most `ttlMs`.
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { AppError } from '../../kit/index.ts';
import { users } from '../../contracts/index.ts';

/** Checks one pair with the users service. */
export type VerifyPair = (email: string, password: string) => Promise<{ userId: string }>;

const MAX_ENTRIES = 10_000;

/** Decodes `Basic <base64(email:password)>`; undefined when malformed. */
export function parseBasic(credentials: string): { email: string; password: string } | undefined {
  if (credentials.length > 2048 || !/^[A-Za-z0-9+/]+={0,2}$/.test(credentials)) return undefined;
  const text = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 1) return undefined;
  const email = v.safeParse(users.Email, text.slice(0, colon));
  const password = text.slice(colon + 1);
  if (!email.success || !password || password.length > 1024) return undefined;
  return { email: email.output, password };
}

/**
 * The cache of verified app passwords.
 *
 * @example
 * const cache = new AppPasswordCache((email, password) => api.request(users.VerifyAppPassword, { email, password }));
 * const { userId } = await cache.verify(email, password);
 */
export class AppPasswordCache {
  readonly #verify: VerifyPair;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, { userId: string; until: number }>();

  constructor(verify: VerifyPair, o: { ttlMs?: number; now?: () => number } = {}) {
    this.#verify = verify;
    this.#ttlMs = o.ttlMs ?? 30_000;
    this.#now = o.now ?? Date.now;
  }

  /** True when the pair was verified recently (no call needed). */
  cached(email: string, password: string): boolean {
    const hit = this.#entries.get(digest(email, password));
    return !!hit && hit.until > this.#now();
  }

  /** The user the pair belongs to; throws the users service's `unauthorized` when it is wrong. */
  async verify(email: string, password: string): Promise<{ userId: string }> {
    const key = digest(email, password);
    const hit = this.#entries.get(key);
    if (hit && hit.until > this.#now()) return { userId: hit.userId };
    const { userId } = await this.#verify(email, password).catch((err: unknown) => {
      if (err instanceof AppError && (err.kind === 'unauthorized' || err.kind === 'not_found' || err.kind === 'forbidden')) {
        throw new AppError('unauthorized', 'gateway.bad_credentials', 'Wrong email or app password');
      }
      throw err;
    });
    if (this.#entries.size >= MAX_ENTRIES) this.prune();
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear(); // all live: start over rather than grow
    this.#entries.set(key, { userId, until: this.#now() + this.#ttlMs });
    return { userId };
  }

  /** Forgets every pair of `userId` (after this gateway revoked one of their app passwords). */
  forgetUser(userId: string): void {
    for (const [k, e] of this.#entries) if (e.userId === userId) this.#entries.delete(k);
  }

  /** Drops expired entries. */
  prune(): void {
    const now = this.#now();
    for (const [k, e] of this.#entries) if (e.until <= now) this.#entries.delete(k);
  }
}

const digest = (email: string, password: string) => createHash('sha256').update(email).update('\0').update(password).digest('base64url');
