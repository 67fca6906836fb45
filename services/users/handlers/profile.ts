/** `GetMe` and `UpdateProfile`: the actor's own account, never its secrets. */
import { users } from '../../../src/contracts/index.ts';
import type { Deps } from '../deps.ts';
import { checkAvatar } from '../domain/avatar.ts';
import { faceOf } from '../domain/face.ts';
import { requireActor, type UserRow } from '../store/actors.ts';

/** The profile the contract shows (no password hash). */
export const profileOf = (u: UserRow) => ({ id: u.id, email: u.email, displayName: u.displayName, avatar: u.avatar, admin: u.admin, createdAt: u.createdAt });

/** Registers `GetMe` and `UpdateProfile`. */
export function handleProfile(d: Deps): void {
  d.api.handle(users.GetMe, async (req) => profileOf(await requireActor(d.db, req.actor)));

  d.api.handle(users.UpdateProfile, async (req, ctx) => {
    if (req.avatar) checkAvatar(req.avatar);
    // The phones' face is made once here, outside the write (decoding takes a few ms).
    const face = req.avatar === undefined ? undefined : ((await faceOf(req.avatar)) ?? '');
    return ctx.write(async (tx) => {
      const user = await requireActor(tx, req.actor);
      const next = { ...user };
      if (req.displayName !== undefined) next.displayName = req.displayName;
      if (req.avatar !== undefined) next.avatar = req.avatar;
      await tx.execute('UPDATE users SET display_name = ?, avatar = ? WHERE id = ?', [next.displayName, next.avatar, user.id]);
      if (face !== undefined) await tx.execute('UPDATE users SET face = ? WHERE id = ?', [face, user.id]);
      // Only the name travels: other services show it; the avatar is fetched from here when
      // needed. A new avatar sends the event too (same name), so the gateway's faces are renewed.
      if (next.displayName !== user.displayName || (req.avatar !== undefined && req.avatar !== user.avatar)) {
        await tx.append(users.UserProfileUpdated, { userId: user.id, displayName: next.displayName });
      }
      return profileOf(next);
    });
  });
}
