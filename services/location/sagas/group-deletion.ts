/**
 * Location's step in the group-deletion saga (docs/sagas.md): once its consumer has read
 * users' events as far as the saga started, it takes the group out of its membership copy
 * (no fix is shared into it any more, no member can see it) and erases what it holds of
 * the group, in one transaction; the reply (the fixes erased) is the confirmation.
 */
import { membership, sagas } from '../../../src/contracts/index.ts';
import { forgetIdempotency } from '../../../src/kit/index.ts';
import { eraseGroup } from '../consumers/membership.ts';
import type { Deps } from '../deps.ts';

/** Answers `saga.location.group_deletion_erase`. */
export function handleGroupDeletion(d: Deps): void {
  d.api.sagaStep(sagas.GroupDeletionEraseLocation, async ({ groupId, usersSeq }, tx) => {
    await sagas.usersReadUpTo(tx, usersSeq);
    await membership.writeMembership(tx, { kind: 'group_deleted', groupId });
    await forgetIdempotency(tx, [groupId]);
    return { erased: await eraseGroup(tx, d.api.events, groupId) };
  });
}
