/**
 * Verifying an access token at the edge: an EdDSA-signed JWT (no other algorithm: not
 * `none`, not HS256 keyed with the public key) from a key of the users service's JWKS,
 * with `typ` `at+jwt` (RFC 9068), `iss` = the public URL, `aud` 'hearth', a live `exp`,
 * and `sub`/`sid` that are ids. A token of a revoked session or a deleted user is refused
 * too. Every failure is the same 401 to the client; the log gets the reason. A token that
 * passed is remembered (token-cache.ts) until its `exp`, so its next requests skip the
 * signature; the revocation and deletion checks run on every request all the same.
 */
import { errors as joseErrors, jwtVerify, type CryptoKey, type JWTHeaderParameters } from 'jose';
import * as v from 'valibot';
import { AppError } from '../../kit/index.ts';
import { users } from '../../contracts/index.ts';
import type { JwksCache } from './jwks.ts';
import type { VerifiedToken, VerifiedTokens } from './token-cache.ts';

/** Who a verified token speaks for. */
export interface TokenActor {
  userId: string;
  sessionId: string;
  /** When the token expires (epoch ms). */
  expiresAt: number;
}

/** What verification consults besides the keys. */
export interface RevocationCheck {
  isRevoked(sessionId: string): boolean;
  isDeleted(userId: string): boolean;
}

/** The audience of every Hearth access token. */
export const AUDIENCE = 'hearth';
/** Accepted `typ` header values (compared case-insensitively, `application/` prefix allowed). */
export const ACCESS_TOKEN_TYPES: readonly string[] = ['at+jwt'];
/** Clock skew tolerated on `exp`/`iat`/`nbf`, seconds. */
export const CLOCK_TOLERANCE_S = 30;

const Claims = v.object({ sub: users.Id, sid: users.Id, exp: v.number(), iat: v.number() });
const JWT_SHAPE = /^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}$/;

const invalid = (reason: string) => new AppError('unauthorized', 'gateway.invalid_token', 'The access token is not valid', { reason });

/**
 * Checks `token` and returns its user and session; throws `unauthorized` (or `unavailable`
 * when no key set could ever be loaded).
 *
 * @example
 * const { userId, sessionId } = await verifyAccessToken(token, { jwks, issuer, revocations });
 */
export async function verifyAccessToken(
  token: string,
  o: { jwks: JwksCache; issuer: string; revocations: RevocationCheck; ttlS: number; cache?: VerifiedTokens; now?: () => number },
): Promise<TokenActor> {
  const now = o.now?.() ?? Date.now();
  let facts = o.cache?.get(token, now);
  if (facts && !o.jwks.holds(facts.kid, facts.key)) {
    o.cache!.delete(token); // its key left the set: checked in full again (and refused)
    facts = undefined;
  }
  facts ??= await verifyInFull(token, o, now);
  const { userId, sessionId, expiresAt } = facts;
  if (o.revocations.isRevoked(sessionId)) throw new AppError('unauthorized', 'gateway.session_revoked', 'This session has ended; sign in again');
  if (o.revocations.isDeleted(userId)) throw invalid('deleted user');
  return { userId, sessionId, expiresAt };
}

// Signature, header and claims; a token that passes is added to the cache.
async function verifyInFull(token: string, o: { jwks: JwksCache; issuer: string; ttlS: number; cache?: VerifiedTokens }, now: number): Promise<VerifiedToken> {
  if (token.length > 4096 || !JWT_SHAPE.test(token)) throw invalid('not a compact JWS');
  let payload: unknown;
  let used: { kid: string; key: CryptoKey } | undefined;
  try {
    ({ payload } = await jwtVerify(
      token,
      async (header: JWTHeaderParameters) => {
        const key = await keyFor(header, o.jwks);
        used = { kid: header.kid!, key };
        return key;
      },
      {
        algorithms: ['EdDSA'],
        issuer: o.issuer,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'sid', 'exp', 'iat'],
        clockTolerance: CLOCK_TOLERANCE_S,
        // jose: refuses an `iat` more than the tolerance ahead, or older than this plus the tolerance.
        maxTokenAge: o.ttlS,
        currentDate: new Date(now),
      },
    ));
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw invalid(err instanceof joseErrors.JOSEError ? err.code : 'unreadable');
  }
  const claims = v.safeParse(Claims, payload);
  if (!claims.success) throw invalid('sub or sid is not an id');
  const { sub, sid, exp, iat } = claims.output;
  if (exp - iat > o.ttlS + CLOCK_TOLERANCE_S) throw invalid('lifetime longer than users.access_token_ttl_s');
  const facts: VerifiedToken = { userId: sub, sessionId: sid, expiresAt: exp * 1000, ...used! };
  if (facts.expiresAt > now) o.cache?.add(token, facts, now); // one past exp (within the tolerance) is checked in full each time
  return facts;
}

async function keyFor(header: JWTHeaderParameters, jwks: JwksCache) {
  if (header.alg !== 'EdDSA') throw invalid('alg'); // jose checks too; this keeps the key lookup from running for others
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase().replace(/^application\//, '') : '';
  if (!ACCESS_TOKEN_TYPES.includes(typ)) throw invalid('typ');
  if (typeof header.kid !== 'string' || !header.kid || header.kid.length > 200) throw invalid('kid');
  if (header.crit !== undefined) throw invalid('crit');
  return jwks.key(header.kid);
}
