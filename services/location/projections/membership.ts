/**
 * Membership from the users service's events (a checkpointed consumer): who is in which
 * group, their role and name. Leaving a group, being removed from it, a deleted group or a
 * deleted account erase what this service holds of that member there — positions, tracks,
 * snapshots and the scope's events — in the same transaction as the membership change, so
 * the group stops seeing them at once.
 */
import type { ConsumerSpec, EventLog, Tx } from '../../../src/kit/index.ts';
import { placesStream, scopeStream } from '../domain/index.ts';

type Data = Record<string, string>;

/** Erases a member's scope in a group: its rows and its events. */
export async function eraseScope(tx: Tx, events: EventLog, groupId: string, userId: string): Promise<void> {
  for (const t of ['scopes', 'fixes', 'snapshots']) await tx.execute(`DELETE FROM ${t} WHERE group_id = ? AND user_id = ?`, [groupId, userId]);
  await events.erase(tx, { stream: scopeStream(groupId, userId) });
}

async function eraseGroup(tx: Tx, events: EventLog, groupId: string): Promise<void> {
  const rs = await tx.execute('SELECT user_id FROM scopes WHERE group_id = ?', [groupId]);
  for (const r of rs.rows) await eraseScope(tx, events, groupId, String(r.user_id));
  for (const t of ['members', 'scopes', 'fixes', 'snapshots', 'places']) await tx.execute(`DELETE FROM ${t} WHERE group_id = ?`, [groupId]);
  await events.erase(tx, { stream: placesStream(groupId) });
}

/** The consumer of `evt.users.*`. */
export function membershipConsumer(events: EventLog): ConsumerSpec {
  return {
    async reset(tx) {
      await tx.execute('DELETE FROM members');
    },
    async apply(e, tx) {
      const d = e.data as Data;
      switch (e.type) {
        case 'group.created':
          await tx.execute("INSERT OR REPLACE INTO members (group_id, user_id, role, display_name) VALUES (?, ?, 'owner', ?)", [d.groupId!, d.ownerId!, d.ownerName!]);
          break;
        case 'group.member_joined':
          await tx.execute('INSERT OR REPLACE INTO members (group_id, user_id, role, display_name) VALUES (?, ?, ?, ?)', [d.groupId!, d.userId!, d.role!, d.displayName!]);
          break;
        case 'group.member_role_changed':
          await tx.execute('UPDATE members SET role = ? WHERE group_id = ? AND user_id = ?', [d.role!, d.groupId!, d.userId!]);
          break;
        case 'group.member_left':
        case 'group.member_removed':
          await tx.execute('DELETE FROM members WHERE group_id = ? AND user_id = ?', [d.groupId!, d.userId!]);
          await eraseScope(tx, events, d.groupId!, d.userId!);
          break;
        case 'group.deleted':
          await eraseGroup(tx, events, d.groupId!);
          break;
        case 'user.profile_updated':
          await tx.execute('UPDATE members SET display_name = ? WHERE user_id = ?', [d.displayName!, d.userId!]);
          break;
        case 'user.deleted': {
          const rs = await tx.execute('SELECT group_id FROM members WHERE user_id = ?', [d.userId!]);
          for (const r of rs.rows) await eraseScope(tx, events, String(r.group_id), d.userId!);
          await tx.execute('DELETE FROM members WHERE user_id = ?', [d.userId!]);
          await tx.execute('DELETE FROM suggestions WHERE user_id = ?', [d.userId!]);
          await events.erase(tx, { stream: `suggestions:${d.userId}` });
          break;
        }
        default:
          break; // other users events change nothing here
      }
    },
  };
}
