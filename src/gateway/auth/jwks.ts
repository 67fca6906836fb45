/**
 * The users service's public signing keys, fetched with `GetJwks` and cached: verifying a
 * token never calls the users service, except when a token names a key not seen yet (a
 * rotation) — then the set is fetched again, at most once per `minRefetchMs`, so a flood
 * of made-up key ids cannot turn into a flood of requests. A set older than `maxAgeMs` is
 * refreshed in the background while the old one keeps working (also while users is down).
 */
import { importJWK, type CryptoKey, type JWK } from 'jose';
import { AppError } from '../../kit/index.ts';

/** A public key set as published (only the public members of Ed25519 keys). */
export interface PublicJwks {
  keys: JWK[];
}

/** Cache timing. */
export interface JwksOptions {
  minRefetchMs?: number;
  maxAgeMs?: number;
  now?: () => number;
}

const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'kid', 'alg', 'use'] as const;

/**
 * A cached key set.
 *
 * @example
 * const jwks = new JwksCache(() => api.request(users.GetJwks, {}));
 * const key = await jwks.key(header.kid);
 */
export class JwksCache {
  readonly #fetch: () => Promise<{ keys: Record<string, unknown>[] }>;
  readonly #minRefetchMs: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #keys = new Map<string, CryptoKey>();
  #published: PublicJwks | undefined;
  #fetchedAt = 0;
  #triedAt = -Infinity;
  #inflight: Promise<void> | undefined;

  constructor(fetch: () => Promise<{ keys: Record<string, unknown>[] }>, o: JwksOptions = {}) {
    this.#fetch = fetch;
    this.#minRefetchMs = o.minRefetchMs ?? 5000;
    this.#maxAgeMs = o.maxAgeMs ?? 15 * 60_000;
    this.#now = o.now ?? Date.now;
  }

  /** The key with id `kid`; throws `unauthorized` for a key the users service does not publish. */
  async key(kid: string): Promise<CryptoKey> {
    await this.#fresh();
    const known = this.#keys.get(kid);
    if (known) return known;
    if (this.#now() - this.#triedAt >= this.#minRefetchMs) {
      await this.refresh().catch(() => undefined); // still unknown below; users being down does not make the key known
    }
    const found = this.#keys.get(kid);
    if (!found) throw new AppError('unauthorized', 'gateway.unknown_key', 'The token is signed with an unknown key');
    return found;
  }

  /** True while `key` is the set's key under `kid` (a cached token's key is still vouched for); never fetches. */
  holds(kid: string, key: CryptoKey): boolean {
    return this.#keys.get(kid) === key;
  }

  /** The public key set, for `/.well-known/jwks.json`. */
  async published(): Promise<PublicJwks> {
    await this.#fresh();
    return this.#published!;
  }

  /** Fetches the set now (concurrent callers share one fetch). */
  refresh(): Promise<void> {
    this.#inflight ??= this.#load().finally(() => (this.#inflight = undefined));
    return this.#inflight;
  }

  /** Makes sure some set is loaded; refreshes an old one in the background. */
  async #fresh(): Promise<void> {
    if (!this.#published) return this.refresh();
    if (this.#now() - this.#fetchedAt > this.#maxAgeMs && this.#now() - this.#triedAt >= this.#minRefetchMs) {
      void this.refresh().catch(() => undefined); // the cached set stays in use until a fetch succeeds
    }
  }

  async #load(): Promise<void> {
    this.#triedAt = this.#now();
    const set = await this.#fetch();
    const keys = new Map<string, CryptoKey>();
    const published: JWK[] = [];
    for (const raw of set.keys) {
      if (raw.kty !== 'OKP' || raw.crv !== 'Ed25519' || typeof raw.kid !== 'string' || (raw.alg !== undefined && raw.alg !== 'EdDSA')) continue;
      const jwk = Object.fromEntries(PUBLIC_MEMBERS.filter((k) => raw[k] !== undefined).map((k) => [k, raw[k]])) as JWK;
      try {
        keys.set(raw.kid, (await importJWK({ ...jwk, alg: 'EdDSA' }, 'EdDSA')) as CryptoKey);
        published.push(jwk);
      } catch {
        continue; // a malformed key cannot verify anything; the others still can
      }
    }
    this.#keys = keys;
    this.#published = { keys: published };
    this.#fetchedAt = this.#now();
  }
}
