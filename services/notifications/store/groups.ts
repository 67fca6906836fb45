/**
 * The notifications service's read model of groups and members (CQRS, from the users
 * service's events): who is in a group, by which name, and what the group is called.
 */
import { AppError, type Db, type Tx } from '../../../src/kit/index.ts';
import { membership } from '../../../src/contracts/index.ts';
import type { GroupView } from '../domain/drafts.ts';

/** The group as the rules see it (empty when unknown). */
export async function groupView(tx: Tx, groupId: string): Promise<GroupView> {
  const members = await tx.execute('SELECT user_id, display_name FROM members WHERE group_id = ? ORDER BY user_id', [groupId]);
  const [g] = (await tx.execute('SELECT name FROM groups WHERE group_id = ?', [groupId])).rows;
  return {
    groupId,
    name: g ? String(g.name) : 'your group',
    members: new Map(members.rows.map((r) => [String(r.user_id), String(r.display_name)])),
  };
}

/** Refuses unless `userId` is a member of every group in `groupIds` (`membership.not_a_member`; the answer does not say whether a group exists). */
export async function requireMemberOf(db: Db, userId: string, groupIds: readonly string[]): Promise<void> {
  for (const groupId of new Set(groupIds)) {
    await membership.requireMember(db, groupId, userId, { issues: [{ path: 'mutes', message: `${groupId} is not one of your groups` }] });
  }
}

/**
 * Refuses a watch list unless each watch names one of `userId`'s groups (`membership.not_a_member`)
 * and, when it names a person, a member of that group other than `userId` (`notifications.not_watchable`).
 */
export async function requireWatchable(db: Db, userId: string, watches: readonly { groupId: string; userId: string | null }[]): Promise<void> {
  for (const [i, w] of watches.entries()) {
    await membership.requireMember(db, w.groupId, userId, { issues: [{ path: `watches.${i}.groupId`, message: `${w.groupId} is not one of your groups` }] });
    if (w.userId === null) continue;
    if (w.userId === userId || !(await membership.memberOf(db, w.groupId, w.userId))) {
      const message = w.userId === userId ? 'is you: your own arrivals are never told to you' : 'is not a member of that group';
      throw new AppError('validation', 'notifications.not_watchable', `Watch ${i}: userId ${message}`, { issues: [{ path: `watches.${i}.userId`, message }] });
    }
  }
}
