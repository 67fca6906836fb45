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
import { ExpiringMap } from '../expiring-map.ts';

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
  /** Verified pairs (by digest) and their users. */
  readonly #entries = new ExpiringMap<string, string>(MAX_ENTRIES);

  constructor(verify: VerifyPair, o: { ttlMs?: number; now?: () => number } = {}) {
    this.#verify = verify;
    this.#ttlMs = o.ttlMs ?? 30_000;
    this.#now = o.now ?? Date.now;
  }

  /** True when the pair was verified recently (no call needed). */
  cached(email: string, password: string): boolean {
    return this.#entries.get(digest(email, password), this.#now()) !== undefined;
  }

  /** The user the pair belongs to; throws the users service's `unauthorized` when it is wrong. */
  async verify(email: string, password: string): Promise<{ userId: string }> {
    const key = digest(email, password);
    const hit = this.#entries.get(key, this.#now());
    if (hit) return { userId: hit };
    const { userId } = await this.#verify(email, password).catch((err: unknown) => {
      if (err instanceof AppError && (err.kind === 'unauthorized' || err.kind === 'not_found' || err.kind === 'forbidden')) {
        throw new AppError('unauthorized', 'gateway.bad_credentials', 'Wrong email or app password');
      }
      throw err;
    });
    const now = this.#now();
    this.#entries.set(key, userId, now + this.#ttlMs, now);
    return { userId };
  }

  /** Forgets every pair of `userId` (after this gateway revoked one of their app passwords). */
  forgetUser(userId: string): void {
    this.#entries.deleteWhere((id) => id === userId);
  }
}

const digest = (email: string, password: string) => createHash('sha256').update(email).update('\0').update(password).digest('base64url');
