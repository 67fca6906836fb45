/**
 * A user's sessions: `Logout` (this session, or every one), `ListSessions`,
 * `RevokeSession` (one device), and `ChangePassword`, which ends every session but the
 * one it was made from. Each ended session emits `SessionRevoked` in the same transaction.
 */
import { users } from '../../../src/contracts/index.ts';
import type { Deps } from '../deps.ts';
import { UsersError } from '../domain/errors.ts';
import { sessionExpired } from '../domain/refresh.ts';
import { hashPassword, verifyPassword } from '../secrets/passwords.ts';
import { requireActor } from '../store/actors.ts';
import { revokeSessions, RevokeReason } from '../store/sessions.ts';

/** Registers `Logout`, `ListSessions`, `RevokeSession` and `ChangePassword`. */
export function handleSessions(d: Deps): void {
  d.api.handle(users.Logout, (req, ctx) =>
    ctx.write(async (tx) => {
      await requireActor(tx, req.actor, { deleting: true }); // signing out is allowed while the account is being deleted
      if (!req.everywhere && !req.actor.sessionId) throw UsersError.noSession();
      const which = req.everywhere ? {} : { only: req.actor.sessionId! };
      return { revoked: await revokeSessions(tx, d, req.actor.userId, RevokeReason.Logout, which) };
    }),
  );

  d.api.handle(users.ListSessions, async (req) => {
    await requireActor(d.db, req.actor);
    const rows = await d.db.query('SELECT id, device, created_at, last_used_at FROM sessions WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at', [req.actor.userId]);
    const sessions = rows
      .filter((r) => !sessionExpired(String(r.last_used_at), d.api.now(), d.settings.refreshTtlMs))
      .map((r) => ({
        id: String(r.id),
        device: String(r.device),
        createdAt: String(r.created_at),
        lastUsedAt: String(r.last_used_at),
        current: r.id === req.actor.sessionId,
      }));
    return { sessions };
  });

  d.api.handle(users.RevokeSession, (req, ctx) =>
    ctx.write(async (tx) => {
      await requireActor(tx, req.actor);
      const [s] = await tx.query('SELECT revoked_at FROM sessions WHERE id = ? AND user_id = ?', [req.sessionId, req.actor.userId]);
      if (!s) throw UsersError.noSuchSession();
      // Revoking an ended session again is a no-op, not an error: the outcome the caller wants holds.
      await revokeSessions(tx, d, req.actor.userId, RevokeReason.Revoked, { only: req.sessionId });
      return {};
    }),
  );

  d.api.handle(users.ChangePassword, async (req, ctx) => {
    const user = await requireActor(d.db, req.actor);
    const verified = await verifyPassword(req.currentPassword, user.passwordHash);
    // Under an Idempotency-Key a wrong password is refused inside the write: a retry of a change
    // already applied (whose current password is no longer current) gets its recorded answer first.
    if (!verified && !ctx.idempotency) throw UsersError.wrongPassword();
    const hash = verified ? await hashPassword(req.newPassword) : undefined;
    return ctx.write(async (tx) => {
      if (!hash) throw UsersError.wrongPassword();
      const current = await requireActor(tx, req.actor);
      // Another change committed while this one hashed: the password just verified is stale.
      if (current.passwordHash !== user.passwordHash) throw UsersError.wrongPassword();
      await tx.execute('UPDATE users SET password_hash = ? WHERE id = ?', [hash, user.id]);
      const except = req.actor.sessionId;
      const revoked = await revokeSessions(tx, d, user.id, RevokeReason.PasswordChanged, except ? { except } : {});
      ctx.log.info('password changed', { userId: user.id, revoked });
      return { revoked };
    });
  });
}
