/** Group rows, members and invites as the handlers need them, plus joining (with its event). */
import type * as v from 'valibot';
import { users } from '../../../src/contracts/index.ts';
import { decode, type EventLog, type WriteTx } from '../../../src/kit/index.ts';
import type { Read, Row } from '../deps.ts';
import type { InviteState } from '../domain/invites.ts';
import { roleOf } from './actors.ts';
import { BEING_DELETED } from './being-deleted.ts';

type Group = v.InferOutput<typeof users.Group>;

/** An invite row. */
export interface InviteRow extends InviteState {
  code: string;
  groupId: string;
  createdBy: string;
  createdAt: string;
}

/** Maps an `invites` row. */
export function inviteRow(r: Row): InviteRow {
  return {
    code: String(r.code),
    groupId: String(r.group_id),
    createdBy: String(r.created_by),
    createdAt: String(r.created_at),
    expiresAt: String(r.expires_at),
    maxUses: Number(r.max_uses),
    uses: Number(r.uses),
    revokedAt: r.revoked_at == null ? null : String(r.revoked_at),
  };
}

/** The invite with `code`, or undefined. */
export async function findInvite(read: Read, code: string): Promise<InviteRow | undefined> {
  const [r] = await read.query('SELECT * FROM invites WHERE code = ?', [code]);
  return r ? inviteRow(r) : undefined;
}

/** An invite as the contract shows it. */
export const publicInvite = (i: InviteRow) => ({ code: i.code, groupId: i.groupId, expiresAt: i.expiresAt, maxUses: i.maxUses, uses: i.uses, createdAt: i.createdAt });

const GROUP_SQL = `SELECT g.id, g.name, g.created_at, m.role,
  (SELECT count(*) FROM members c WHERE c.group_id = g.id) AS member_count
  FROM groups g JOIN members m ON m.group_id = g.id AND m.user_id = ?`;

/** The groups `userId` belongs to, with their role and member count, oldest first (not those being deleted). */
export async function groupsOf(read: Read, userId: string): Promise<Group[]> {
  const rows = await read.query(`${GROUP_SQL} WHERE NOT ${BEING_DELETED} ORDER BY g.created_at, g.id`, [userId]);
  return rows.map(groupOf);
}

/** One group as `userId` sees it (they must be a member). */
export async function groupFor(read: Read, groupId: string, userId: string): Promise<Group> {
  const [r] = await read.query(`${GROUP_SQL} WHERE g.id = ?`, [userId, groupId]);
  if (!r) throw new Error(`group ${groupId} vanished inside its own transaction`);
  return groupOf(r);
}

function groupOf(r: Row): Group {
  return { id: String(r.id), name: String(r.name), role: roleOf(r), memberCount: Number(r.member_count), createdAt: String(r.created_at) };
}

/** Adds `user` to `groupId` with `role` and appends `MemberJoined` (naming who invited them, if someone did). */
export async function join(tx: WriteTx, groupId: string, user: { id: string; displayName: string }, role: users.Role, at: string, invitedBy?: string): Promise<void> {
  await tx.execute('INSERT INTO members (group_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)', [groupId, user.id, role, at]);
  await tx.append(users.MemberJoined, { groupId, userId: user.id, displayName: user.displayName, role, ...(invitedBy ? { invitedBy } : {}) });
}

/** Counts one use of an invite. */
export async function useInvite(tx: WriteTx, code: string): Promise<void> {
  await tx.execute('UPDATE invites SET uses = uses + 1 WHERE code = ?', [code]);
}

/** The users events that name a group in their data (`groupId`); `group.deleted` is not one of them here. */
const GROUP_EVENT_TYPES = [users.GroupCreated, users.GroupRenamed, users.MemberJoined, users.MemberLeft, users.MemberRemoved, users.MemberRoleChanged].map((t) => t.type);

/**
 * Erases from the users log every event about `groupId` (its name in `group.created` and
 * `group.renamed`, its members' names in `group.member_joined` …); returns how many. Every
 * consumer has read them (the group-deletion saga's steps waited for that); `group.deleted`,
 * appended after, is what they read next.
 */
export async function eraseGroupEvents(tx: WriteTx, events: EventLog, groupId: string): Promise<number> {
  const rows = await tx.query(`SELECT seq, data FROM kit_events WHERE type IN (${GROUP_EVENT_TYPES.map(() => '?').join(', ')})`, GROUP_EVENT_TYPES);
  const seqs = rows.filter((r) => (decode(new Uint8Array(r.data as ArrayBuffer)) as { groupId?: unknown }).groupId === groupId).map((r) => Number(r.seq));
  return seqs.length ? events.erase(tx, { seqs }) : 0;
}

/** Deletes a group with its members and invites, appending `GroupDeleted`. */
export async function deleteGroup(tx: WriteTx, groupId: string): Promise<void> {
  await tx.execute('DELETE FROM invites WHERE group_id = ?', [groupId]);
  await tx.execute('DELETE FROM members WHERE group_id = ?', [groupId]);
  await tx.execute('DELETE FROM groups WHERE id = ?', [groupId]);
  await tx.append(users.GroupDeleted, { groupId });
}
