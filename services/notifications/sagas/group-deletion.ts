/**
 * Notifications' two steps in the group-deletion saga (docs/sagas.md):
 * - `group_deletion_notify`: every member but the owner is told, by name of the group, that
 *   it is being deleted (inbox, live stream, push targets) — before anything is erased;
 * - `group_deletion_erase`: the group leaves this service's membership copy and every
 *   notification about it goes (the notice too: the group's name must not stay). While a
 *   push of the notice is still waiting to go out (at most `NOTICE_GRACE_MS`), the step
 *   answers retryably, so the notice reaches phones before it is erased.
 * Both wait until the users consumer has read as far as the saga started.
 */
import { membership, sagas } from '../../../src/contracts/index.ts';
import { AppError, forgetIdempotency, type ServiceApi } from '../../../src/kit/index.ts';
import { eraseGroup } from '../consumers/users.ts';
import type { Deps } from '../deps.ts';
import { make } from '../domain/drafts.ts';
import { groupView } from '../store/groups.ts';
import { notify } from '../store/inbox.ts';

/** How long the erasure waits for a pending push of the deletion notice. */
const NOTICE_GRACE_MS = 30_000;

/** Answers `saga.notifications.group_deletion_notify` and `saga.notifications.group_deletion_erase`. */
export function handleGroupDeletion(api: ServiceApi, d: Deps): void {
  api.sagaStep(sagas.GroupDeletionNotifyMembers, async ({ groupId, usersSeq, ownerId }, tx, step) => {
    await sagas.usersReadUpTo(tx, usersSeq);
    const g = await groupView(tx, groupId);
    const made = make('group_deleted', g, ownerId, { name: g.members.get(ownerId) ?? 'The owner', group: g.name });
    const drafts = [...g.members.keys()].filter((u) => u !== ownerId).map((userId) => ({ ...made, userId }));
    const told = await notify(tx, { id: step.sagaId, at: tx.at }, drafts, d.now());
    if (told > 0) tx.afterCommit(d.kick);
    return { erased: told };
  });

  api.sagaStep(sagas.GroupDeletionEraseNotifications, async ({ groupId, usersSeq }, tx) => {
    await sagas.usersReadUpTo(tx, usersSeq);
    const since = new Date(d.now() - NOTICE_GRACE_MS).toISOString();
    const [pending] = await tx.query(
      `SELECT count(*) AS n FROM deliveries dl JOIN notifications n ON n.id = dl.notification_id
       WHERE n.group_id = ? AND n.type = 'group_deleted' AND dl.status = 'pending' AND dl.created_at > ?`,
      [groupId, since],
    );
    if (Number(pending?.n ?? 0) > 0) throw new AppError('unavailable', 'notifications.notice_in_flight', 'The deletion notice is still being pushed to members\u2019 phones', { groupId });
    await membership.writeMembership(tx, { kind: 'group_deleted', groupId }, { groups: true });
    await forgetIdempotency(tx, [groupId]);
    return { erased: await eraseGroup(tx, d, groupId) };
  });
}
