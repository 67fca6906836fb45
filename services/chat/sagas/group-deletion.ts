/**
 * Chat's step in the group-deletion saga (docs/sagas.md): once its consumer has read users'
 * events as far as the saga started, it takes the group out of its membership copy (no
 * member may write or read there any more: `membership.not_a_member`) and erases the
 * conversation, in one transaction; the reply (a count) is the confirmation.
 */
import { membership, sagas } from '../../../src/contracts/index.ts';
import { forgetIdempotency, type ServiceApi } from '../../../src/kit/index.ts';
import { eraseGroup } from '../consumers/users.ts';

/** Answers `saga.chat.group_deletion_erase`. */
export function groupDeletionSteps(api: ServiceApi): void {
  api.sagaStep(sagas.GroupDeletionEraseChat, async ({ groupId, usersSeq }, tx) => {
    await sagas.usersReadUpTo(tx, usersSeq);
    await membership.writeMembership(tx, { kind: 'group_deleted', groupId });
    await forgetIdempotency(tx, [groupId]);
    return { erased: await eraseGroup(tx, api.events, groupId) };
  });
}
