/** Groups themselves: `CreateGroup`, `RenameGroup`, `DeleteGroup`, `ListGroups`, `ListMembers`. */
import { users } from '../../../src/contracts/index.ts';
import { uuidv7 } from '../../../src/kit/index.ts';
import { fromDb, inTx, isoNow, type Deps } from '../deps.ts';
import { decideGroupAction } from '../domain/roles.ts';
import { requireActor, roleIn } from '../store/actors.ts';
import { deleteGroup, groupFor, groupsOf, join } from '../store/groups.ts';

/** Registers the group operations. */
export function handleGroups(d: Deps): void {
  d.api.handle(users.CreateGroup, (req, ctx) =>
    ctx.write(async (tx) => {
      const read = inTx(tx);
      const user = await requireActor(read, req.actor);
      const groupId = uuidv7();
      const now = isoNow(d);
      await tx.execute('INSERT INTO groups (id, name, created_at) VALUES (?, ?, ?)', [groupId, req.name, now]);
      await tx.append(users.GroupCreated, { groupId, name: req.name, ownerId: user.id, ownerName: user.displayName });
      await join(tx, groupId, user, 'owner', now);
      return groupFor(read, groupId, user.id);
    }),
  );

  d.api.handle(users.RenameGroup, (req, ctx) =>
    ctx.write(async (tx) => {
      const read = inTx(tx);
      await requireActor(read, req.actor);
      decideGroupAction('rename', await roleIn(read, req.groupId, req.actor.userId));
      await tx.execute('UPDATE groups SET name = ? WHERE id = ?', [req.name, req.groupId]);
      await tx.append(users.GroupRenamed, { groupId: req.groupId, name: req.name });
      return groupFor(read, req.groupId, req.actor.userId);
    }),
  );

  d.api.handle(users.DeleteGroup, (req, ctx) =>
    ctx.write(async (tx) => {
      const read = inTx(tx);
      await requireActor(read, req.actor);
      decideGroupAction('delete', await roleIn(read, req.groupId, req.actor.userId));
      await deleteGroup(tx, req.groupId);
      return {};
    }),
  );

  d.api.handle(users.ListGroups, async (req) => {
    const read = fromDb(d.db);
    await requireActor(read, req.actor);
    return { groups: await groupsOf(read, req.actor.userId) };
  });

  d.api.handle(users.ListMembers, async (req) => {
    const read = fromDb(d.db);
    await requireActor(read, req.actor);
    decideGroupAction('view', await roleIn(read, req.groupId, req.actor.userId));
    const rows = await read(
      `SELECT m.user_id, u.display_name, m.role, m.joined_at FROM members m JOIN users u ON u.id = m.user_id
       WHERE m.group_id = ? ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, m.joined_at, m.user_id`,
      [req.groupId],
    );
    return {
      members: rows.map((r) => ({ userId: String(r.user_id), displayName: String(r.display_name), role: String(r.role) as users.Role, joinedAt: String(r.joined_at) })),
    };
  });
}
