/**
 * Chat's own read model of group membership (CQRS), fed by the users service's events:
 * every request is authorised against it.
 */
import { AppError, type Db } from '../../../src/kit/index.ts';

/** A member as chat knows them. */
export interface Member {
  role: string;
  displayName: string;
}

/** The actor's membership; a non-member gets the same answer whether the group exists or not. */
export async function requireMember(db: Db, groupId: string, userId: string): Promise<Member> {
  const [row] = await db.query('SELECT role, display_name FROM members WHERE group_id = ? AND user_id = ?', [groupId, userId]);
  if (!row) throw new AppError('not_found', 'chat.not_a_member', 'No such group among yours');
  return { role: String(row.role), displayName: String(row.display_name) };
}

/** True for the group's owner and admins. */
export const isAdmin = (m: Member): boolean => m.role === 'owner' || m.role === 'admin';
