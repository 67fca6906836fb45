/** Groups themselves: `CreateGroup`, `RenameGroup`, `ListGroups`, `ListMembers` (`DeleteGroup`: delete-group.ts). */
import { users } from '../../../src/contracts/index.ts';
import { uuidv7 } from '../../../src/kit/index.ts';
import { isoNow, type Deps } from '../deps.ts';
import { decideGroupAction } from '../domain/roles.ts';
import { requireActor, roleIn, roleOf } from '../store/actors.ts';
import { groupFor, groupsOf, join } from '../store/groups.ts';

/** Registers the group operations. */
export function handleGroups(d: Deps): void {
  d.api.handle(users.CreateGroup, (req, ctx) =>
    ctx.write(async (tx) => {
      const user = await requireActor(tx, req.actor);
      const groupId = uuidv7();
      const now = isoNow(d);
      await tx.execute('INSERT INTO groups (id, name, created_at) VALUES (?, ?, ?)', [groupId, req.name, now]);
      await tx.append(users.GroupCreated, { groupId, name: req.name, ownerId: user.id, ownerName: user.displayName });
      await join(tx, groupId, user, 'owner', now);
      return groupFor(tx, groupId, user.id);
    }),
  );

  d.api.handle(users.RenameGroup, (req, ctx) =>
    ctx.write(async (tx) => {
      await requireActor(tx, req.actor);
      decideGroupAction('rename', await roleIn(tx, req.groupId, req.actor.userId));
      await tx.execute('UPDATE groups SET name = ? WHERE id = ?', [req.name, req.groupId]);
      await tx.append(users.GroupRenamed, { groupId: req.groupId, name: req.name });
      return groupFor(tx, req.groupId, req.actor.userId);
    }),
  );

  d.api.handle(users.ListGroups, async (req) => {
    await requireActor(d.db, req.actor);
    return { groups: await groupsOf(d.db, req.actor.userId) };
  });

  d.api.handle(users.ListMembers, async (req) => {
    await requireActor(d.db, req.actor);
    decideGroupAction('view', await roleIn(d.db, req.groupId, req.actor.userId));
    const rows = await d.db.query(
      `SELECT m.user_id, u.display_name, m.role, m.joined_at FROM members m JOIN users u ON u.id = m.user_id
       WHERE m.group_id = ? ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, m.joined_at, m.user_id`,
      [req.groupId],
    );
    return {
      members: rows.map((r) => ({ userId: String(r.user_id), displayName: String(r.display_name), role: roleOf(r), joinedAt: String(r.joined_at) })),
    };
  });
}
