/**
 * The consumer of `evt.users.*`: the membership read model and group names, the member
 * rules (joined, left, removed, invite accepted), and erasure — a deleted account takes its
 * inbox, preferences and targets with it; a deleted group, every notification about it; a
 * member who leaves or is removed loses the group's notifications (the removed member is
 * then told, in the one notification they keep).
 */
import type { ConsumerSpec, Tx } from '../../../src/kit/index.ts';
import type { Deps } from '../deps.ts';
import { membershipRule } from '../domain/rules.ts';
import { groupView } from '../store/groups.ts';
import { eraseNotifications, notify } from '../store/inbox.ts';
import { fresh } from './fresh.ts';

type Data = Record<string, string>;

async function eraseUser(tx: Tx, d: Deps, userId: string): Promise<void> {
  await eraseNotifications(tx, d.events, 'user_id = ?', [userId]);
  await d.events.erase(tx, { stream: `inbox:${userId}` });
  await tx.execute('DELETE FROM delivery_attempts WHERE target_id IN (SELECT id FROM targets WHERE user_id = ?)', [userId]);
  for (const t of ['deliveries', 'targets', 'preferences', 'members']) await tx.execute(`DELETE FROM ${t} WHERE user_id = ?`, [userId]);
}

/** The users consumer. */
export function usersConsumer(d: Deps): ConsumerSpec {
  return {
    async reset(tx) {
      await tx.execute('DELETE FROM members');
      await tx.execute('DELETE FROM groups');
    },
    async apply(e, tx) {
      const x = e.data as Data;
      const rule = async () => {
        if (!fresh(e, d)) return;
        if ((await notify(tx, d.events, e, membershipRule({ type: e.type, data: e.data as Record<string, unknown> }, await groupView(tx, x.groupId!)), d.now())) > 0) tx.afterCommit(d.kick);
      };
      switch (e.type) {
        case 'group.created':
          await tx.execute('INSERT OR REPLACE INTO groups (group_id, name) VALUES (?, ?)', [x.groupId!, x.name!]);
          break;
        case 'group.renamed':
          await tx.execute('UPDATE groups SET name = ? WHERE group_id = ?', [x.name!, x.groupId!]);
          break;
        case 'group.member_joined':
          await rule();
          await tx.execute('INSERT OR REPLACE INTO members (group_id, user_id, role, display_name) VALUES (?, ?, ?, ?)', [x.groupId!, x.userId!, x.role!, x.displayName!]);
          break;
        case 'group.member_role_changed':
          await tx.execute('UPDATE members SET role = ? WHERE group_id = ? AND user_id = ?', [x.role!, x.groupId!, x.userId!]);
          break;
        case 'group.member_left':
        case 'group.member_removed':
          // What happened before they left (a rebuild re-reading an old departure must not erase what came after a rejoin).
          await eraseNotifications(tx, d.events, 'user_id = ? AND group_id = ? AND cause_at <= ?', [x.userId!, x.groupId!, e.at]);
          await rule();
          await tx.execute('DELETE FROM members WHERE group_id = ? AND user_id = ?', [x.groupId!, x.userId!]);
          break;
        case 'group.deleted':
          await eraseNotifications(tx, d.events, 'group_id = ?', [x.groupId!]);
          await tx.execute('DELETE FROM members WHERE group_id = ?', [x.groupId!]);
          await tx.execute('DELETE FROM groups WHERE group_id = ?', [x.groupId!]);
          break;
        case 'user.profile_updated':
          await tx.execute('UPDATE members SET display_name = ? WHERE user_id = ?', [x.displayName!, x.userId!]);
          break;
        case 'user.deleted':
          await eraseUser(tx, d, x.userId!);
          break;
        default:
          break;
      }
    },
  };
}
