/**
 * `DeleteAccount` (password required) starts the account-deletion saga
 * (sagas/account-deletion.ts) and answers its id and state; asked again while one runs, it
 * answers that one. Refused while the user owns a group that has other members
 * (`users.owner_must_transfer`, listing those groups). In the same transaction the account
 * is marked as being deleted: sign-in stops at once (within the grace period a sign-in
 * cancels the deletion instead) and the person's sessions may only follow it.
 */
import { sagas, users } from '../../../src/contracts/index.ts';
import type { Deps } from '../deps.ts';
import { UsersError } from '../domain/errors.ts';
import { refuseOwnerOfOthers } from '../sagas/account-deletion.ts';
import { verifyPassword } from '../secrets/passwords.ts';
import { requireActor } from '../store/actors.ts';

/** Registers `DeleteAccount`. */
export function handleDeleteAccount(d: Deps): void {
  d.api.handle(users.DeleteAccount, async (req, ctx) => {
    const user = await requireActor(d.db, req.actor, { deleting: true });
    if (!(await verifyPassword(req.password, user.passwordHash))) throw UsersError.wrongPassword();
    return ctx.write(async (tx) => {
      await requireActor(tx, req.actor, { deleting: true });
      await refuseOwnerOfOthers(tx, user.id);
      const started = await d.accountDeletion.start(tx, { userId: user.id }, { key: sagas.accountDeletionKey(user.id) });
      await tx.execute('UPDATE users SET deleting_saga = ? WHERE id = ?', [started.sagaId, user.id]);
      if (started.created) {
        await tx.append(sagas.AccountDeletionRequested, { userId: user.id });
        ctx.log.info('account deletion started', { userId: user.id, sagaId: started.sagaId });
      }
      return { sagaId: started.sagaId, status: started.state };
    });
  });
}
