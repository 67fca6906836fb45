/**
 * Signing in and staying signed in: `Login` opens a session (email + password, and a
 * two-factor code for an account that has turned it on: handlers/two-factor.ts), `Refresh`
 * trades the session's current refresh token for a new pair. A spent refresh token
 * presented again revokes its session — committed first, then answered with
 * `users.refresh_reused` — so whoever holds the family must sign in again.
 */
import { sagas, users } from '../../../src/contracts/index.ts';
import { AppError, type WriteTx } from '../../../src/kit/index.ts';
import type { Deps } from '../deps.ts';
import { UsersError } from '../domain/errors.ts';
import { decideRefresh } from '../domain/refresh.ts';
import { burnVerification, verifyPassword } from '../secrets/passwords.ts';
import { secretHash } from '../secrets/tokens.ts';
import { findUser, userRow } from '../store/actors.ts';
import { hasTwoFactor, useSecondFactor } from './two-factor.ts';
import { issueRefreshToken, openSession, revokeSessions, RevokeReason } from '../store/sessions.ts';

/** The token pair of a session just opened or refreshed. */
export async function pair(d: Deps, userId: string, sessionId: string, refreshToken: string) {
  const { token, expiresIn } = await d.keys.sign({ userId, sessionId });
  return { accessToken: token, refreshToken, expiresIn, tokenType: 'Bearer' as const, userId, sessionId };
}

/**
 * Signing in while the account is being deleted: within the grace period (erasure not
 * begun) it cancels the deletion, which the saga compensates; after it, it is refused
 * (`users.account_deleting`).
 */
async function cancelDeletion(d: Deps, tx: WriteTx, userId: string, sagaId: string): Promise<true> {
  try {
    await d.accountDeletion.cancel(tx, sagaId);
  } catch (err) {
    if (err instanceof AppError && err.code === 'kit.saga_not_cancellable') throw UsersError.accountDeleting({ sagaId });
    throw err;
  }
  await tx.execute('UPDATE users SET deleting_saga = NULL WHERE id = ?', [userId]);
  await tx.append(sagas.AccountDeletionWithdrawn, { userId });
  return true;
}

/** Registers `Login` and `Refresh`. */
export function handleSignIn(d: Deps): void {
  d.api.handle(users.Login, async (req, ctx) => {
    const [row] = await d.db.query('SELECT * FROM users WHERE email = ?', [req.email]);
    const user = row ? userRow(row) : undefined;
    // An unknown email costs the same scrypt run as a wrong password, and gets the same answer.
    const ok = user ? await verifyPassword(req.password, user.passwordHash) : await burnVerification(req.password);
    if (!user || !ok) throw UsersError.badCredentials();
    const opened = await ctx.write(async (tx) => {
      const now = await findUser(tx, user.id);
      if (!now) throw UsersError.badCredentials(); // deleted meanwhile
      // Two-factor: asked only once the password is right, so the answer tells nothing to whoever lacks it.
      if (await hasTwoFactor(tx, user.id)) {
        if (req.code === undefined || req.code.trim() === '') throw UsersError.codeRequired();
        if (!(await useSecondFactor(tx, d, user.id, req.code))) throw UsersError.badCode();
      }
      const deletionCancelled = now.deletingSaga !== null && (await cancelDeletion(d, tx, user.id, now.deletingSaga));
      return { ...(await openSession(tx, d, user.id, req.device?.trim() || 'unnamed device')), deletionCancelled };
    });
    if (opened.deletionCancelled) ctx.log.info('account deletion cancelled by signing in', { userId: user.id });
    return { ...(await pair(d, user.id, opened.sessionId, opened.refreshToken)), ...(opened.deletionCancelled ? { deletionCancelled: true } : {}) };
  });

  d.api.handle(users.Refresh, async (req, ctx) => {
    const hash = secretHash(req.refreshToken);
    const outcome = await ctx.write(async (tx) => {
      const [r] = await tx.query(
        `SELECT t.spent_at, s.id AS session_id, s.user_id, s.revoked_at, s.last_used_at
         FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.hash = ?`,
        [hash],
      );
      const presented = r && { spent: r.spent_at != null, session: { revoked: r.revoked_at != null, lastUsedAt: String(r.last_used_at) } };
      const decision = decideRefresh(presented, d.api.now(), d.settings.refreshTtlMs);
      const userId = String(r!.user_id);
      const sessionId = String(r!.session_id);
      if (decision === 'revoke_family') {
        await revokeSessions(tx, d, userId, RevokeReason.RefreshReuse, { only: sessionId });
        return { reused: true as const, userId, sessionId };
      }
      return { reused: false as const, userId, sessionId, refreshToken: await issueRefreshToken(tx, d, sessionId, hash) };
    });
    if (outcome.reused) {
      ctx.log.warn('refresh token re-used; session revoked', { userId: outcome.userId, sessionId: outcome.sessionId });
      throw UsersError.refreshReused();
    }
    return pair(d, outcome.userId, outcome.sessionId, outcome.refreshToken);
  });
}
