/**
 * Refresh-token families: each session has one current refresh token; using it spends it
 * and issues the next. A spent token presented again means two parties hold the family —
 * one of them a thief — so the whole session is revoked (RFC 9700 §4.14.2).
 */
import { UsersError } from './errors.ts';

/** A presented refresh token as found in the store (undefined: unknown). */
export interface PresentedToken {
  spent: boolean;
  session: { revoked: boolean; lastUsedAt: string };
}

/** What to do with a presented token that may still matter. */
export type RefreshDecision = 'rotate' | 'revoke_family';

/**
 * Decides a refresh at `now` (ms) for sessions that live `ttlMs` after their last refresh.
 * Throws for a token that simply does not work; answers `revoke_family` for a replayed one
 * (the caller commits the revocation, then answers `users.refresh_reused`).
 *
 * @example
 * decideRefresh({ spent: true, session: { revoked: false, lastUsedAt } }, Date.now(), ttl); // 'revoke_family'
 */
export function decideRefresh(token: PresentedToken | undefined, now: number, ttlMs: number): RefreshDecision {
  if (!token) throw UsersError.refreshInvalid();
  if (token.session.revoked) throw UsersError.sessionRevoked();
  if (token.spent) return 'revoke_family';
  if (sessionExpired(token.session.lastUsedAt, now, ttlMs)) throw UsersError.sessionExpired();
  return 'rotate';
}

/** True when a session last refreshed at `lastUsedAt` has outlived `ttlMs` at `now`. */
export function sessionExpired(lastUsedAt: string, now: number, ttlMs: number): boolean {
  return Date.parse(lastUsedAt) + ttlMs <= now;
}
