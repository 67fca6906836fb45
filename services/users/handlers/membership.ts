/**
 * Changing who is in a group and with which role: `LeaveGroup`, `RemoveMember`,
 * `ChangeRole`, `TransferOwnership`. The role matrix (domain/roles.ts) decides; every
 * change appends its event in the same transaction.
 */
import { users } from '../../../src/contracts/index.ts';
import type { WriteTx } from '../../../src/kit/index.ts';
import type { Deps } from '../deps.ts';
import { decideGroupAction, type GroupAction } from '../domain/roles.ts';
import { requireActor, roleIn, roleOf } from '../store/actors.ts';

type Targeted = { actor: users.Actor; groupId: string; userId: string };

/** Checks the actor and target of a targeted action inside `tx`. */
async function authorize(tx: WriteTx, req: Targeted, action: GroupAction): Promise<void> {
  await requireActor(tx, req.actor);
  const role = await roleIn(tx, req.groupId, req.actor.userId);
  decideGroupAction(action, role, { role: await roleIn(tx, req.groupId, req.userId), self: req.userId === req.actor.userId });
}

async function setRole(tx: WriteTx, groupId: string, userId: string, role: users.Role): Promise<void> {
  await tx.execute('UPDATE members SET role = ? WHERE group_id = ? AND user_id = ?', [role, groupId, userId]);
  await tx.append(users.MemberRoleChanged, { groupId, userId, role });
}

/** Registers the membership operations. */
export function handleMembership(d: Deps): void {
  d.api.handle(users.LeaveGroup, (req, ctx) =>
    ctx.write(async (tx) => {
      await requireActor(tx, req.actor);
      decideGroupAction('leave', await roleIn(tx, req.groupId, req.actor.userId));
      await tx.execute('DELETE FROM members WHERE group_id = ? AND user_id = ?', [req.groupId, req.actor.userId]);
      await tx.append(users.MemberLeft, { groupId: req.groupId, userId: req.actor.userId });
      return {};
    }),
  );

  d.api.handle(users.RemoveMember, (req, ctx) =>
    ctx.write(async (tx) => {
      await authorize(tx, req, 'remove_member');
      await tx.execute('DELETE FROM members WHERE group_id = ? AND user_id = ?', [req.groupId, req.userId]);
      await tx.append(users.MemberRemoved, { groupId: req.groupId, userId: req.userId, by: req.actor.userId });
      return {};
    }),
  );

  d.api.handle(users.ChangeRole, (req, ctx) =>
    ctx.write(async (tx) => {
      await authorize(tx, req, 'change_role');
      if ((await roleIn(tx, req.groupId, req.userId)) !== req.role) await setRole(tx, req.groupId, req.userId, req.role);
      const [m] = await tx.query('SELECT m.user_id, u.display_name, m.role, m.joined_at FROM members m JOIN users u ON u.id = m.user_id WHERE m.group_id = ? AND m.user_id = ?', [
        req.groupId,
        req.userId,
      ]);
      return { userId: String(m!.user_id), displayName: String(m!.display_name), role: roleOf(m!), joinedAt: String(m!.joined_at) };
    }),
  );

  d.api.handle(users.TransferOwnership, (req, ctx) =>
    ctx.write(async (tx) => {
      await authorize(tx, req, 'transfer');
      // Demote first: the schema allows one owner per group at any moment.
      await setRole(tx, req.groupId, req.actor.userId, 'admin');
      await setRole(tx, req.groupId, req.userId, 'owner');
      return {};
    }),
  );
}
