/**
 * Reading a membership copy: the lookups every service authorises requests with, against
 * its own `members` table. A non-member always gets `membership.not_a_member`.
 */
import type { Tx } from '../../kit/index.ts';
import type { Role } from '../users.ts';
import { notAMember } from './errors.ts';

type Args = (string | number | null)[];

/**
 * Where lookups read: a database (`db.query`), a transaction (`tx.execute`, seeing its own
 * writes), or a function that reads rows.
 */
export type MembershipSource =
  | { query(sql: string, args?: Args): Promise<readonly object[]> }
  | Pick<Tx, 'execute'>
  | ((sql: string, args?: Args) => Promise<Record<string, unknown>[]>);

async function rows(src: MembershipSource, sql: string, args: Args): Promise<Record<string, unknown>[]> {
  if (typeof src === 'function') return src(sql, args);
  if ('query' in src) return (await src.query(sql, args)) as Record<string, unknown>[];
  return (await src.execute(sql, args)).rows as unknown as Record<string, unknown>[];
}

/** A member of a group. */
export interface Member {
  userId: string;
  role: Role;
  displayName: string;
}

/** The member, or undefined when `userId` is not in `groupId` (or there is no such group). */
export async function memberOf(src: MembershipSource, groupId: string, userId: string): Promise<Member | undefined> {
  const [row] = await rows(src, 'SELECT role, display_name FROM members WHERE group_id = ? AND user_id = ?', [groupId, userId]);
  return row ? { userId, role: String(row.role) as Role, displayName: String(row.display_name) } : undefined;
}

/**
 * The user's membership of the group; refuses a non-member with `membership.not_a_member`
 * (the same answer whether the group exists or not).
 *
 * @example
 * const me = await requireMember(api.db, groupId, actor.userId); // { userId, role: 'admin', displayName: 'Ann' }
 */
export async function requireMember(src: MembershipSource, groupId: string, userId: string, details?: unknown): Promise<Member> {
  const m = await memberOf(src, groupId, userId);
  if (!m) throw notAMember(details);
  return m;
}

/** The group's members, ordered by name. */
export async function membersOf(src: MembershipSource, groupId: string): Promise<Member[]> {
  const found = await rows(src, 'SELECT user_id, role, display_name FROM members WHERE group_id = ? ORDER BY display_name, user_id', [groupId]);
  return found.map((r) => ({ userId: String(r.user_id), role: String(r.role) as Role, displayName: String(r.display_name) }));
}

/** The groups a user is in, with their role, ordered by group id. */
export async function groupsOf(src: MembershipSource, userId: string): Promise<{ groupId: string; role: Role }[]> {
  const found = await rows(src, 'SELECT group_id, role FROM members WHERE user_id = ? ORDER BY group_id', [userId]);
  return found.map((r) => ({ groupId: String(r.group_id), role: String(r.role) as Role }));
}
