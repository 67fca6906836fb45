/**
 * Who is asking, checked again here whatever the gateway did: the actor's account must
 * exist, the session the token names must still be live, and group operations look up
 * the actor's role themselves.
 */
import * as v from 'valibot';
import { users } from '../../../src/contracts/index.ts';
import type { Read, Row } from '../deps.ts';
import { UsersError } from '../domain/errors.ts';
import { BEING_DELETED } from './being-deleted.ts';

/** The account row of a user (without the password hash unless asked for). */
export interface UserRow {
  id: string;
  email: string;
  displayName: string;
  avatar: string | null;
  admin: boolean;
  createdAt: string;
  passwordHash: string;
  /** The account-deletion saga under way, or null. */
  deletingSaga: string | null;
}

/** Maps a `users` row. */
export function userRow(r: Row): UserRow {
  return {
    id: String(r.id),
    email: String(r.email),
    displayName: String(r.display_name),
    avatar: r.avatar == null ? null : String(r.avatar),
    admin: Number(r.admin) === 1,
    createdAt: String(r.created_at),
    passwordHash: String(r.password_hash),
    deletingSaga: r.deleting_saga == null ? null : String(r.deleting_saga),
  };
}

/** The user `id`, or undefined. */
export async function findUser(read: Read, id: string): Promise<UserRow | undefined> {
  const [r] = await read.query('SELECT * FROM users WHERE id = ?', [id]);
  return r ? userRow(r) : undefined;
}

/**
 * The actor's account; throws `users.unknown_user` when it is gone,
 * `users.session_revoked` when the session named by the token has ended, and
 * `users.account_deleting` while the account is being deleted (unless `o.deleting`: the
 * requests that follow or repeat the deletion).
 */
export async function requireActor(read: Read, actor: users.Actor, o: { deleting?: boolean } = {}): Promise<UserRow> {
  const user = await findUser(read, actor.userId);
  if (!user) throw UsersError.unknownUser();
  if (user.deletingSaga !== null && !o.deleting) throw UsersError.accountDeleting({ sagaId: user.deletingSaga });
  if (actor.sessionId) {
    const [s] = await read.query('SELECT revoked_at FROM sessions WHERE id = ? AND user_id = ?', [actor.sessionId, user.id]);
    if (!s || s.revoked_at != null) throw UsersError.sessionRevoked();
  }
  return user;
}

/** `userId`'s role in `groupId`, or undefined when not a member (or no such group, or its deletion has begun). */
export async function roleIn(read: Read, groupId: string, userId: string): Promise<users.Role | undefined> {
  const [r] = await read.query(`SELECT m.role FROM members m JOIN groups g ON g.id = m.group_id WHERE m.group_id = ? AND m.user_id = ? AND NOT ${BEING_DELETED}`, [groupId, userId]);
  return r ? roleOf(r) : undefined;
}

/** A row's `role` column as the contract's role (the table's CHECK allows no other). */
export const roleOf = (r: Row): users.Role => v.parse(users.Role, r.role);
