/**
 * This service's own read model of group membership (CQRS), fed by the users service's
 * events: who is in which group, with which role and name. Every request is authorised
 * against it; nothing here ever asks the users service.
 */
import { AppError, type Db, type Tx } from '../../../src/kit/index.ts';

/** Reads rows inside a transaction or straight from the database. */
export type Read = (sql: string, args?: (string | number | null)[]) => Promise<Record<string, unknown>[]>;
/** Reads through a transaction. */
export const inTx = (tx: Tx): Read => async (sql, args) => (await tx.execute(sql, args ?? [])).rows as unknown as Record<string, unknown>[];
/** Reads from the database. */
export const fromDb = (db: Db): Read => async (sql, args) => (await db.query(sql, args ?? [])) as unknown as Record<string, unknown>[];

/** A member of a group. */
export interface MemberRow {
  userId: string;
  role: string;
  displayName: string;
}

/** The user's membership of the group; refuses a non-member (the same answer whether the group exists or not). */
export async function requireMember(read: Read, groupId: string, userId: string): Promise<MemberRow> {
  const [row] = await read('SELECT role, display_name FROM members WHERE group_id = ? AND user_id = ?', [groupId, userId]);
  // Not found, as at the gateway's edge: a non-member learns nothing, not even that the group exists.
  if (!row) throw new AppError('not_found', 'location.not_a_member', 'No such group among yours');
  return { userId, role: String(row.role), displayName: String(row.display_name) };
}

/** Refuses anyone but the group's owner and admins. */
export async function requireAdmin(read: Read, groupId: string, userId: string): Promise<void> {
  const { role } = await requireMember(read, groupId, userId);
  if (role !== 'owner' && role !== 'admin') throw new AppError('forbidden', 'location.admin_only', 'Only the group\u2019s owner and admins may do this');
}

/** The group's members, ordered by name. */
export async function membersOf(read: Read, groupId: string): Promise<MemberRow[]> {
  const rows = await read('SELECT user_id, role, display_name FROM members WHERE group_id = ? ORDER BY display_name, user_id', [groupId]);
  return rows.map((r) => ({ userId: String(r.user_id), role: String(r.role), displayName: String(r.display_name) }));
}

/** The groups a user is in, with their role. */
export async function groupsOf(read: Read, userId: string): Promise<{ groupId: string; role: string }[]> {
  const rows = await read('SELECT group_id, role FROM members WHERE user_id = ? ORDER BY group_id', [userId]);
  return rows.map((r) => ({ groupId: String(r.group_id), role: String(r.role) }));
}
