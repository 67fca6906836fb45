/**
 * Membership from the users service's events: the shared membership projection
 * (src/contracts/membership) keeps `members`; this file adds location's erasure. Leaving a
 * group, being removed from it, a deleted group or a deleted account erase what this
 * service holds of that member there — positions, tracks, snapshots and the scope's
 * events — in the same transaction as the membership change, so the group stops seeing
 * them at once. Each departure erases once (`departures`, keyed on the event): read again,
 * it would erase what the member shared after coming back. A deleted account is erased by
 * the account-deletion saga's step (sagas/account-deletion.ts), before `user.deleted`.
 */
import type { ConsumeSpec, EventLog, Tx } from '../../../src/kit/index.ts';
import { membership } from '../../../src/contracts/index.ts';
import { placesStream, scopeStream } from '../domain/index.ts';
import { forgetGroupCommands } from '../phones/command-store.ts';

/** Erases a member's scope in a group: its rows and its events. */
export async function eraseScope(tx: Tx, events: EventLog, groupId: string, userId: string): Promise<void> {
  for (const t of ['scopes', 'fixes', 'snapshots']) await tx.execute(`DELETE FROM ${t} WHERE group_id = ? AND user_id = ?`, [groupId, userId]);
  await events.erase(tx, { stream: scopeStream(groupId, userId) });
}

/**
 * Erases what location holds of a group in `tx`: every member's scope (positions, tracks,
 * snapshots and their events), the group's places and their events, and the commands
 * waiting for phones about it; returns the fixes erased. The group-deletion saga's step
 * (sagas/group-deletion.ts) and the account-deletion saga (a person's solo groups) call
 * it; so does this consumer at `group.deleted` (then it finds nothing left).
 */
export async function eraseGroup(tx: Tx, events: EventLog, groupId: string): Promise<number> {
  const [fixes] = (await tx.execute('SELECT count(*) AS n FROM fixes WHERE group_id = ?', [groupId])).rows;
  const rs = await tx.execute('SELECT user_id FROM scopes WHERE group_id = ?', [groupId]);
  for (const r of rs.rows) await eraseScope(tx, events, groupId, String(r.user_id));
  for (const t of ['scopes', 'fixes', 'snapshots', 'places']) await tx.execute(`DELETE FROM ${t} WHERE group_id = ?`, [groupId]);
  await events.erase(tx, { stream: placesStream(groupId) });
  await forgetGroupCommands(tx, groupId);
  return Number(fixes?.n ?? 0);
}

/** Records that `eventId`'s departure of `userId` from `groupId` is erased; false when it was already. */
async function firstDeparture(tx: Tx, eventId: string, groupId: string, userId: string): Promise<boolean> {
  const rs = await tx.execute('INSERT INTO departures (event_id, group_id, user_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [eventId, groupId, userId]);
  return rs.rowsAffected === 1;
}

/** What location adds to the membership projection: erasure. */
export function locationHooks(events: EventLog): membership.MembershipHooks {
  return {
    async after(tx, c, e) {
      if (c.kind === 'left' && (await firstDeparture(tx, e.id, c.groupId, c.userId))) await eraseScope(tx, events, c.groupId, c.userId);
      if (c.kind === 'group_deleted') await eraseGroup(tx, events, c.groupId);
    },
  };
}

/**
 * The consumer of `evt.users.*`: the shared membership projection with location's erasure.
 *
 * @example
 * api.consume('users', membershipConsumer(api.events));
 */
export function membershipConsumer(events: EventLog): ConsumeSpec {
  return membership.membershipConsumer(locationHooks(events));
}
