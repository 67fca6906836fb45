/**
 * Who is calling: the `Authorization` header turned into an actor. `Bearer <jwt>` is
 * verified locally (see access-token.ts); `Basic` (email + app password) is accepted where
 * a route allows it — routes that manage the account itself need a real session. Any
 * missing or bad credential is a 401.
 */
import { AppError } from '../../kit/index.ts';
import { verifyAccessToken, type RevocationCheck, type TokenActor } from './access-token.ts';
import { parseBasic, type AppPasswordCache } from './app-password.ts';
import type { JwksCache } from './jwks.ts';
import { VerifiedTokens } from './token-cache.ts';

export { JwksCache, type PublicJwks } from './jwks.ts';
export { AppPasswordCache } from './app-password.ts';
export { VerifiedTokens, TOKEN_CACHE_SIZE } from './token-cache.ts';
export { AUDIENCE, ACCESS_TOKEN_TYPES, type TokenActor, type RevocationCheck } from './access-token.ts';

/** The caller of a request: a user, and the session when signed in with a token. */
export interface Actor {
  userId: string;
  sessionId?: string;
}

/** What a route accepts: any signed-in caller (token or app password), or a token's session only. */
export type Access = 'user' | 'session';

/** What an Authenticator consults. */
export interface AuthOptions {
  jwks: JwksCache;
  issuer: string;
  revocations: RevocationCheck;
  /** `users.access_token_ttl_s`: the longest lifetime (`exp − iat`) a token may have. */
  ttlS: number;
  appPasswords: AppPasswordCache;
  /** Called before an app password is checked with the users service (a rate limit on guessing). */
  limitMiss: (ip: string) => void;
  /** Verified access tokens (token-cache.ts); a new bounded one when absent. */
  tokens?: VerifiedTokens;
  /** The clock tokens are checked against (tests move it); `Date.now` when absent. */
  now?: () => number;
}

const missing = () => new AppError('unauthorized', 'gateway.unauthenticated', 'Sign in: send Authorization: Bearer <access token>');

/**
 * Authenticates requests.
 *
 * @example
 * const auth = new Authenticator({ jwks, issuer, revocations: model, ttlS: 900, appPasswords, limitMiss: (ip) => limiter.take('auth', ip) });
 * const actor = await auth.fromHeader(c.req.header('authorization'), 'user', ip);
 */
export class Authenticator {
  readonly #o: AuthOptions;
  readonly #tokens: VerifiedTokens;
  readonly #verify: Parameters<typeof verifyAccessToken>[1];

  constructor(o: AuthOptions) {
    this.#o = o;
    this.#tokens = o.tokens ?? new VerifiedTokens();
    this.#verify = { jwks: o.jwks, issuer: o.issuer, revocations: o.revocations, ttlS: o.ttlS, cache: this.#tokens, ...(o.now ? { now: o.now } : {}) };
  }

  /** How many verified access tokens are remembered. */
  get cachedTokens(): number {
    return this.#tokens.size;
  }

  /** Verifies a bare access token (also the stream's way in). */
  token(token: string): Promise<TokenActor> {
    return verifyAccessToken(token, this.#verify);
  }

  /** The actor of an `Authorization` header value. */
  async fromHeader(header: string | undefined, access: Access, ip: string): Promise<Actor> {
    if (!header) throw missing();
    const space = header.indexOf(' ');
    const scheme = space > 0 ? header.slice(0, space).toLowerCase() : '';
    const credentials = header.slice(space + 1).trim();
    if (scheme === 'bearer') {
      const { userId, sessionId } = await this.token(credentials);
      return { userId, sessionId }; // exactly the contract's actor: requests are strict objects
    }
    if (scheme === 'basic') {
      if (access === 'session') {
        throw new AppError('unauthorized', 'gateway.session_required', 'This needs a signed-in session (an access token), not an app password');
      }
      const pair = parseBasic(credentials);
      if (!pair) throw new AppError('unauthorized', 'gateway.bad_credentials', 'Wrong email or app password');
      if (!this.#o.appPasswords.cached(pair.email, pair.password)) this.#o.limitMiss(ip);
      const { userId } = await this.#o.appPasswords.verify(pair.email, pair.password);
      if (this.#o.revocations.isDeleted(userId)) throw new AppError('unauthorized', 'gateway.bad_credentials', 'Wrong email or app password');
      return { userId };
    }
    throw missing();
  }
}
