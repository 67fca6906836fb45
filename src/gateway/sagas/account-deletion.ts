/**
 * The gateway's step in the account-deletion saga (docs/sagas.md). Its read model follows
 * users' events (the person's memberships went with their `member_left`; `user.deleted`
 * makes their tokens worthless and ends their streams); what the step erases is what only
 * the gateway keeps: the stored answers of the person's `Idempotency-Key` POSTs (scoped by
 * their id, or — before sign-in — by address, found by the id the answer carries), and the
 * caches of their app passwords and face; and their solo groups' stored answers. Applied once per saga.
 */
import { sagas } from '../../contracts/index.ts';
import type { ServiceApi } from '../../kit/index.ts';
import type { GatewayDeps } from '../deps.ts';
import { forgetFace } from '../owntracks/faces.ts';
import { eraseGroupAnswers } from './group-deletion.ts';

/**
 * Answers `saga.gateway.account_deletion_erase`.
 *
 * @example
 * mountAccountDeletion(api, deps); // in index.ts's setup
 */
export function mountAccountDeletion(api: ServiceApi, deps: GatewayDeps): void {
  api.sagaStep(sagas.AccountDeletionEraseGateway, async ({ userId, afterSeq, soloGroupIds }, tx) => {
    await sagas.usersReadUpTo(tx, afterSeq);
    let erased = 0;
    for (const groupId of soloGroupIds) erased += await eraseGroupAnswers(tx, groupId);
    // A registration's answer (before sign-in, scoped by address) carries the new account's id.
    const rs = await tx.execute("DELETE FROM idempotency WHERE scope = ? OR instr(coalesce(body, ''), ?) > 0", [`user:${userId}`, userId]);
    tx.afterCommit(() => {
      deps.appPasswords.forgetUser(userId);
      forgetFace(deps, userId);
    });
    return { erased: erased + rs.rowsAffected };
  });
}
