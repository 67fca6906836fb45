/**
 * Access tokens already verified. A client sends the same token with every request for the
 * token's few minutes, and an Ed25519 check is the gateway's largest cost per request after
 * the socket itself (docs/benchmarks.md, #18): so a token that passed every check is
 * remembered, keyed by its exact string, and a later request with the same string skips
 * the signature and claim checks — only those, never the revocation and deletion checks,
 * which access-token.ts runs on every request whether the token came from here or not.
 *
 * An entry is honoured only until the token's `exp` (without the clock tolerance a full
 * check grants: past `exp` the token is checked again in full, as before there was a cache),
 * and only while the key that verified it is still the key the JWKS holds under its `kid`
 * (a key withdrawn from the set stops vouching for its tokens at the next key-set fetch).
 * Only tokens that passed are added: a forged or refused token is checked in full every time.
 * Bounded: expired entries, then the oldest, go when a new one would pass `max` (expiring-map.ts).
 */
import type { CryptoKey } from 'jose';
import { ExpiringMap } from '../expiring-map.ts';

/** A verified token's facts. */
export interface VerifiedToken {
  userId: string;
  sessionId: string;
  /** `exp`, epoch ms. */
  expiresAt: number;
  kid: string;
  /** The key that verified the signature. */
  key: CryptoKey;
}

/** How many verified tokens are kept by default (a family's sessions are far fewer). */
export const TOKEN_CACHE_SIZE = 1024;

/**
 * A bounded map from token string to what verifying it showed.
 *
 * @example
 * const cache = new VerifiedTokens();
 * cache.add(token, { userId, sessionId, expiresAt, kid, key }, Date.now());
 * cache.get(token, Date.now()); // the entry, until expiresAt
 */
export class VerifiedTokens {
  readonly #entries: ExpiringMap<string, VerifiedToken>;

  constructor(max = TOKEN_CACHE_SIZE) {
    this.#entries = new ExpiringMap(max);
  }

  /** Tokens held. */
  get size(): number {
    return this.#entries.size;
  }

  /** The entry of exactly `token` if its `exp` is still ahead at `now` (ms); an expired one is dropped. */
  get(token: string, now: number): VerifiedToken | undefined {
    return this.#entries.get(token, now);
  }

  /** Remembers a token that passed every check. */
  add(token: string, facts: VerifiedToken, now: number): void {
    this.#entries.set(token, facts, facts.expiresAt, now);
  }

  /** Forgets one token (its key is no longer the set's). */
  delete(token: string): void {
    this.#entries.delete(token);
  }
}
