/**
 * Notifications' step in the account-deletion saga (docs/sagas.md). Once its users consumer
 * has read the saga's membership events (so "… left" has been told, and can be erased), it
 * erases the person's inbox (rows and events), forwarding deliveries, targets and
 * preferences, every other member's notification the person caused or is named in
 * (`actor_id`, `refs.userId`: the texts quote their name), the alert rules' memory of them,
 * and their solo groups' notifications. Applied once per saga.
 */
import { notifications, sagas } from '../../../src/contracts/index.ts';
import { forgetIdempotency, type ServiceApi, type WriteTx } from '../../../src/kit/index.ts';
import { eraseGroup, GONE } from '../consumers/users.ts';
import type { Deps } from '../deps.ts';
import { forgetAlerts } from '../store/alerts.ts';
import { eraseNotifications } from '../store/inbox.ts';

/** Erases what notifications holds of or about `userId`; returns how many notifications went. */
export async function eraseUser(tx: WriteTx, d: Pick<Deps, 'events'>, userId: string): Promise<number> {
  let n = await eraseNotifications(tx, d.events, "user_id = ? OR actor_id = ? OR json_extract(subject, '$.userId') = ?", [userId, userId, userId]);
  await d.events.erase(tx, { stream: notifications.inboxStream(userId) });
  await tx.execute('DELETE FROM delivery_attempts WHERE target_id IN (SELECT id FROM targets WHERE user_id = ?)', [userId]);
  for (const t of ['deliveries', 'targets', 'preferences']) n += (await tx.execute(`DELETE FROM ${t} WHERE user_id = ?`, [userId])).rowsAffected;
  await forgetAlerts(tx, { userId });
  await tx.execute(`UPDATE member_since SET join_id = '${GONE}' WHERE user_id = ?`, [userId]);
  return n;
}

/**
 * Answers `saga.notifications.account_deletion_erase`.
 *
 * @example
 * mountAccountDeletion(api, d); // in main.ts's setup
 */
export function mountAccountDeletion(api: ServiceApi, d: Pick<Deps, 'events'>): void {
  api.sagaStep(sagas.AccountDeletionEraseNotifications, async ({ userId, afterSeq, soloGroupIds }, tx) => {
    await sagas.usersReadUpTo(tx, afterSeq);
    let n = 0;
    for (const groupId of soloGroupIds) n += await eraseGroup(tx, d, groupId);
    await forgetIdempotency(tx, [userId, ...soloGroupIds]);
    return { erased: n + (await eraseUser(tx, d, userId)) };
  });
}
