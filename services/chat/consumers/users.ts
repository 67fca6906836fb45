/**
 * The consumer of `evt.users.*`: chat's membership read model (the shared projection,
 * src/contracts/membership), the group's story as system messages (a member joined, left or
 * was removed), and erasure — a deleted group takes its conversation with it (rows and
 * events). A deleted account is anonymised by the account-deletion saga's step
 * (sagas/account-deletion.ts), before `user.deleted`.
 */
import type { ConsumeSpec, EventLog, Tx } from '../../../src/kit/index.ts';
import { membership } from '../../../src/contracts/index.ts';
import { causeTxnId, chatStream, memberSystemKind } from '../domain/messages.ts';
import { findSent } from '../store/messages.ts';
import { announce } from './announce.ts';

/**
 * Erases a group's conversation in `tx`: its messages (and their words in the full-text
 * index, whose segments are then merged so the old ones go), read markers and events; the
 * group is remembered in `deleted_groups` so nothing is announced there again. Returns the
 * messages erased. The group-deletion saga's step (sagas/group-deletion.ts) and the
 * account-deletion saga (a person's solo groups) call it; so does this consumer at
 * `group.deleted` (then it finds nothing left).
 */
export async function eraseGroup(tx: Tx, events: EventLog, groupId: string): Promise<number> {
  await tx.execute('INSERT INTO deleted_groups (group_id) VALUES (?) ON CONFLICT DO NOTHING', [groupId]);
  const fts = await tx.execute('DELETE FROM messages_fts WHERE rowid IN (SELECT seq FROM messages WHERE group_id = ?)', [groupId]);
  if (fts.rowsAffected > 0) await tx.execute("INSERT INTO messages_fts (messages_fts) VALUES ('optimize')");
  const erased = (await tx.execute('DELETE FROM messages WHERE group_id = ?', [groupId])).rowsAffected;
  await tx.execute('DELETE FROM read_markers WHERE group_id = ?', [groupId]);
  await events.erase(tx, { stream: chatStream(groupId) });
  return erased;
}

/** What chat adds to the membership projection: member system messages and erasure (`events`: chat's log, for erasing a group's stream). */
export function chatHooks(events: EventLog): membership.MembershipHooks {
  return {
    async before(tx, c, e) {
      // A leaver's name, read while `members` still lists them.
      if (c.kind !== 'left') return;
      // A departure read again (its message is there) must not drop a read marker set after a rejoin.
      if (await findSent(tx, c.groupId, null, causeTxnId(e.id))) return;
      const kind = memberSystemKind(c);
      const name = (await membership.memberOf(tx, c.groupId, c.userId))?.displayName ?? 'A member';
      await tx.execute('DELETE FROM read_markers WHERE group_id = ? AND user_id = ?', [c.groupId, c.userId]);
      if (kind) await announce(tx, e, { groupId: c.groupId, kind, userId: c.userId, name });
    },
    async after(tx, c, e) {
      if (c.kind === 'member') {
        const kind = memberSystemKind(c);
        if (kind) await announce(tx, e, { groupId: c.groupId, kind, userId: c.userId, name: c.displayName });
      } else if (c.kind === 'group_deleted') await eraseGroup(tx, events, c.groupId);
    },
  };
}

/**
 * The consumer of `evt.users.*`.
 *
 * @example
 * api.consume('users', usersConsumer(api.events));
 */
export function usersConsumer(events: EventLog): ConsumeSpec {
  return membership.membershipConsumer(chatHooks(events));
}
