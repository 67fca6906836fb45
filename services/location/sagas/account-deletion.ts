/**
 * Location's step in the account-deletion saga (docs/sagas.md): once its users consumer has
 * read the saga's membership events (the person left their groups: those scopes were erased
 * then), it erases whatever is left of the person — every scope (positions, tracks,
 * snapshots, journeys and their events), their place suggestions, their phones' secret,
 * held messages and waiting commands — and their solo groups. Applied once per saga.
 */
import { sagas } from '../../../src/contracts/index.ts';
import { forgetIdempotency, type ServiceApi, type WriteTx } from '../../../src/kit/index.ts';
import { eraseGroup, eraseScope } from '../consumers/membership.ts';
import { forgetPhonesOf } from '../phones/command-store.ts';
import { phoneStream } from '../phones/handlers.ts';
import { erasePhones } from '../phones/store.ts';

/** Erases what location holds of `userId`; returns how many scopes went. */
export async function eraseUser(tx: WriteTx, api: Pick<ServiceApi, 'events'>, userId: string): Promise<number> {
  const scopes = await tx.query('SELECT DISTINCT group_id FROM scopes WHERE user_id = ? UNION SELECT DISTINCT group_id FROM fixes WHERE user_id = ?', [userId, userId]);
  for (const r of scopes) await eraseScope(tx, api.events, String(r.group_id), userId);
  await tx.execute('DELETE FROM suggestions WHERE user_id = ?', [userId]);
  await api.events.erase(tx, { stream: `suggestions:${userId}` });
  await erasePhones(tx, userId);
  await api.events.erase(tx, { stream: phoneStream(userId) });
  await forgetPhonesOf(tx, userId);
  return scopes.length;
}

/**
 * Answers `saga.location.account_deletion_erase`.
 *
 * @example
 * mountAccountDeletion(api); // in main.ts's setup
 */
export function mountAccountDeletion(api: ServiceApi): void {
  api.sagaStep(sagas.AccountDeletionEraseLocation, async ({ userId, afterSeq, soloGroupIds }, tx) => {
    await sagas.usersReadUpTo(tx, afterSeq);
    for (const groupId of soloGroupIds) await eraseGroup(tx, api.events, groupId);
    await forgetIdempotency(tx, [userId, ...soloGroupIds]);
    return { erased: (await eraseUser(tx, api, userId)) + soloGroupIds.length };
  });
}
