/**
 * This service's own read model of group membership (CQRS), kept by the shared membership
 * projection from the users service's events: who is in which group, with which role and
 * name. Every request is authorised against it (src/contracts/membership); nothing here
 * ever asks the users service.
 */
import { AppError, type Db, type Tx } from '../../../src/kit/index.ts';
import { membership } from '../../../src/contracts/index.ts';

/** Reads rows inside a transaction or straight from the database. */
export type Read = (sql: string, args?: (string | number | null)[]) => Promise<Record<string, unknown>[]>;
/** Reads through a transaction. */
export const inTx = (tx: Tx): Read => async (sql, args) => (await tx.execute(sql, args ?? [])).rows as unknown as Record<string, unknown>[];
/** Reads from the database. */
export const fromDb = (db: Db): Read => async (sql, args) => (await db.query(sql, args ?? [])) as unknown as Record<string, unknown>[];

/** A member of a group. */
export type MemberRow = membership.Member;

/** The user's membership of the group; refuses a non-member with `membership.not_a_member`. */
export const requireMember = membership.requireMember;
/** The group's members, ordered by name. */
export const membersOf = membership.membersOf;
/** The groups a user is in, with their role. */
export const groupsOf = membership.groupsOf;

/** Refuses anyone but the group's owner and admins. */
export async function requireAdmin(read: Read, groupId: string, userId: string): Promise<void> {
  const { role } = await membership.requireMember(read, groupId, userId);
  if (!membership.isAdmin(role)) throw new AppError('forbidden', 'location.admin_only', 'Only the group\u2019s owner and admins may do this');
}
