/**
 * `DeleteAccount` (password required). Refused while the user owns a group that has other
 * members (`users.owner_must_transfer`, listing those groups). Otherwise, in one
 * transaction: groups where they are alone are deleted (`GroupDeleted`), they leave the
 * others (`MemberLeft`), their sessions end (`SessionRevoked`), `UserDeleted` is appended,
 * and every row of theirs is erased, which frees the email.
 */
import { membership, users } from '../../../src/contracts/index.ts';
import type { Deps } from '../deps.ts';
import { UsersError } from '../domain/errors.ts';
import { verifyPassword } from '../secrets/passwords.ts';
import { requireActor, roleOf } from '../store/actors.ts';
import { deleteGroup } from '../store/groups.ts';
import { revokeSessions, RevokeReason } from '../store/sessions.ts';

/** Registers `DeleteAccount`. */
export function handleDeleteAccount(d: Deps): void {
  d.api.handle(users.DeleteAccount, async (req, ctx) => {
    const user = await requireActor(d.db, req.actor);
    if (!(await verifyPassword(req.password, user.passwordHash))) throw UsersError.wrongPassword();
    return ctx.write(async (tx) => {
      await requireActor(tx, req.actor);
      const groups = await tx.query(
        `SELECT m.group_id, m.role, (SELECT count(*) FROM members c WHERE c.group_id = m.group_id) AS n
         FROM members m WHERE m.user_id = ? ORDER BY m.joined_at`,
        [user.id],
      );
      const blocking = groups.filter((g) => membership.isOwner(roleOf(g)) && Number(g.n) > 1).map((g) => String(g.group_id));
      if (blocking.length) throw UsersError.ownerMustTransfer({ groupIds: blocking });

      await revokeSessions(tx, d, user.id, RevokeReason.AccountDeleted);
      for (const g of groups) {
        const groupId = String(g.group_id);
        if (membership.isOwner(roleOf(g))) {
          await deleteGroup(tx, groupId);
        } else {
          await tx.execute('DELETE FROM members WHERE group_id = ? AND user_id = ?', [groupId, user.id]);
          await tx.append(users.MemberLeft, { groupId, userId: user.id });
        }
      }
      await tx.execute('DELETE FROM refresh_tokens WHERE session_id IN (SELECT id FROM sessions WHERE user_id = ?)', [user.id]);
      await tx.execute('DELETE FROM sessions WHERE user_id = ?', [user.id]);
      await tx.execute('DELETE FROM app_passwords WHERE user_id = ?', [user.id]);
      await tx.execute('DELETE FROM users WHERE id = ?', [user.id]);
      await tx.append(users.UserDeleted, { userId: user.id });
      ctx.log.info('account deleted', { userId: user.id });
      return {};
    });
  });
}
