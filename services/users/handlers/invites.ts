/**
 * Invites: `CreateInvite`, `ListInvites`, `RevokeInvite` (admins and the owner),
 * `AcceptInvite` (any signed-in user with the code) and `PreviewInvite` (anyone with the
 * code, before registering or accepting). `ListInvites` shows the invites that still work.
 * Accepting checks the invite first, then membership, so a code that no longer works says
 * so even to someone already in the group; a preview answers the same refusals.
 */
import { users } from '../../../src/contracts/index.ts';
import { isoNow, type Deps } from '../deps.ts';
import { UsersError } from '../domain/errors.ts';
import { checkInvite, inviteUsable } from '../domain/invites.ts';
import { decideGroupAction } from '../domain/roles.ts';
import { newInviteCode } from '../secrets/tokens.ts';
import { requireActor, roleIn } from '../store/actors.ts';
import { findInvite, inviteRow, join, publicInvite, useInvite } from '../store/groups.ts';

/** Registers the invite operations. */
export function handleInvites(d: Deps): void {
  d.api.handle(users.CreateInvite, (req, ctx) =>
    ctx.write(async (tx) => {
      await requireActor(tx, req.actor);
      decideGroupAction('manage_invites', await roleIn(tx, req.groupId, req.actor.userId));
      const invite = {
        code: newInviteCode(),
        groupId: req.groupId,
        createdAt: isoNow(d),
        expiresAt: new Date(d.api.now() + req.expiresInSeconds * 1000).toISOString(),
        maxUses: req.maxUses,
        uses: 0,
      };
      await tx.execute('INSERT INTO invites (code, group_id, created_by, created_at, expires_at, max_uses) VALUES (?, ?, ?, ?, ?, ?)', [
        invite.code,
        invite.groupId,
        req.actor.userId,
        invite.createdAt,
        invite.expiresAt,
        invite.maxUses,
      ]);
      return invite;
    }),
  );

  d.api.handle(users.ListInvites, async (req) => {
    await requireActor(d.db, req.actor);
    decideGroupAction('manage_invites', await roleIn(d.db, req.groupId, req.actor.userId));
    const rows = await d.db.query('SELECT * FROM invites WHERE group_id = ? ORDER BY created_at, code', [req.groupId]);
    return { invites: rows.map(inviteRow).filter((i) => inviteUsable(i, d.api.now())).map(publicInvite) };
  });

  d.api.handle(users.RevokeInvite, (req, ctx) =>
    ctx.write(async (tx) => {
      await requireActor(tx, req.actor);
      const invite = await findInvite(tx, req.code);
      if (!invite) throw UsersError.inviteInvalid();
      decideGroupAction('manage_invites', await roleIn(tx, invite.groupId, req.actor.userId));
      if (!invite.revokedAt) await tx.execute('UPDATE invites SET revoked_at = ? WHERE code = ?', [isoNow(d), req.code]);
      return {};
    }),
  );

  d.api.handle(users.PreviewInvite, async (req) => {
    const invite = await findInvite(d.db, req.code);
    checkInvite(invite, d.api.now());
    const { code, groupId, expiresAt, createdBy } = invite;
    // LEFT JOIN: an inviter who deleted their account leaves the invite working, nameless.
    const [row] = await d.db.query('SELECT g.name, u.display_name FROM groups g LEFT JOIN users u ON u.id = ? WHERE g.id = ?', [createdBy, groupId]);
    if (!row) throw UsersError.inviteInvalid(); // deleting a group deletes its invites; never expected
    return { code, groupId, groupName: String(row.name), expiresAt, inviterName: row.display_name == null ? null : String(row.display_name) };
  });

  d.api.handle(users.AcceptInvite, (req, ctx) =>
    ctx.write(async (tx) => {
      const user = await requireActor(tx, req.actor);
      const invite = await findInvite(tx, req.code);
      checkInvite(invite, d.api.now());
      if (await roleIn(tx, invite.groupId, user.id)) throw UsersError.alreadyMember({ groupId: invite.groupId });
      await useInvite(tx, req.code);
      await join(tx, invite.groupId, user, 'member', isoNow(d), invite.createdBy);
      return { groupId: invite.groupId };
    }),
  );
}
