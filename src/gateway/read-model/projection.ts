/**
 * What the users service's events mean for the gateway's read model, as a pure function
 * from an event to a list of changes; the same changes are written to the database (in the
 * consumer's checkpoint transaction, so each event counts once) and, after the commit,
 * applied to the in-memory copy. Events of types this build does not know are skipped: a
 * newer users service may add some.
 */
import { check, type Envelope, type EventType, type Tx } from '../../kit/index.ts';
import { users } from '../../contracts/index.ts';

/** One change to the read model. */
export type Change =
  | { kind: 'group'; groupId: string; name: string }
  | { kind: 'group_deleted'; groupId: string }
  | { kind: 'member'; groupId: string; userId: string; role: users.Role }
  | { kind: 'role'; groupId: string; userId: string; role: users.Role }
  | { kind: 'left'; groupId: string; userId: string }
  | { kind: 'user_deleted'; userId: string; at: string }
  | { kind: 'session_revoked'; userId: string; sessionId: string; at: string };

type Rule = (event: Envelope) => Change[];

function on<D>(type: EventType<D>, fn: (d: D, e: Envelope) => Change[]): [string, Rule] {
  return [type.type, (e) => fn(check(type.data, e.data, 'gateway.invalid_event', `${type.type} event`), e)];
}

const RULES = new Map<string, Rule>([
  on(users.GroupCreated, (d) => [
    { kind: 'group', groupId: d.groupId, name: d.name },
    { kind: 'member', groupId: d.groupId, userId: d.ownerId, role: 'owner' },
  ]),
  on(users.GroupRenamed, (d) => [{ kind: 'group', groupId: d.groupId, name: d.name }]),
  on(users.GroupDeleted, (d) => [{ kind: 'group_deleted', groupId: d.groupId }]),
  on(users.MemberJoined, (d) => [{ kind: 'member', groupId: d.groupId, userId: d.userId, role: d.role }]),
  on(users.MemberLeft, (d) => [{ kind: 'left', groupId: d.groupId, userId: d.userId }]),
  on(users.MemberRemoved, (d) => [{ kind: 'left', groupId: d.groupId, userId: d.userId }]),
  on(users.MemberRoleChanged, (d) => [{ kind: 'role', groupId: d.groupId, userId: d.userId, role: d.role }]),
  on(users.UserDeleted, (d, e) => [{ kind: 'user_deleted', userId: d.userId, at: e.at }]),
  on(users.SessionRevoked, (d, e) => [{ kind: 'session_revoked', userId: d.userId, sessionId: d.sessionId, at: e.at }]),
]);

/**
 * The changes an event makes (none for types the gateway does not follow).
 *
 * @example
 * changesOf(memberJoinedEvent); // [{ kind: 'member', groupId, userId, role: 'member' }]
 */
export function changesOf(event: Envelope): Change[] {
  return RULES.get(event.type)?.(event) ?? [];
}

/** Writes one change in the consumer's transaction. */
export async function writeChange(tx: Tx, c: Change): Promise<void> {
  switch (c.kind) {
    case 'group':
      await tx.execute('INSERT INTO groups (group_id, name) VALUES (?, ?) ON CONFLICT (group_id) DO UPDATE SET name = excluded.name', [c.groupId, c.name]);
      return;
    case 'group_deleted':
      await tx.execute('DELETE FROM members WHERE group_id = ?', [c.groupId]);
      await tx.execute('DELETE FROM groups WHERE group_id = ?', [c.groupId]);
      return;
    case 'member':
      await tx.execute('INSERT OR REPLACE INTO members (group_id, user_id, role) VALUES (?, ?, ?)', [c.groupId, c.userId, c.role]);
      return;
    case 'role':
      await tx.execute('UPDATE members SET role = ? WHERE group_id = ? AND user_id = ?', [c.role, c.groupId, c.userId]);
      return;
    case 'left':
      await tx.execute('DELETE FROM members WHERE group_id = ? AND user_id = ?', [c.groupId, c.userId]);
      return;
    case 'user_deleted':
      await tx.execute('DELETE FROM members WHERE user_id = ?', [c.userId]);
      await tx.execute('INSERT OR REPLACE INTO deleted_users (user_id, deleted_at) VALUES (?, ?)', [c.userId, c.at]);
      return;
    case 'session_revoked':
      await tx.execute('INSERT OR REPLACE INTO revoked_sessions (session_id, user_id, revoked_at) VALUES (?, ?, ?)', [c.sessionId, c.userId, c.at]);
      return;
  }
}

/** Empties the read model (the consumer rebuilds it from the users log). */
export async function resetReadModel(tx: Tx): Promise<void> {
  for (const table of ['members', 'groups', 'revoked_sessions', 'deleted_users']) await tx.execute(`DELETE FROM ${table}`);
}
