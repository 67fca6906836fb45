/**
 * `GetFaces`: the small pictures the OwnTracks apps show for friends, for the users the actor
 * shares a group with (anyone else comes back null, as does someone with no avatar). A face
 * is made when the avatar is set (profile.ts); an avatar set before faces existed gets its
 * face made here, once.
 */
import { users } from '../../../src/contracts/index.ts';
import type { Deps } from '../deps.ts';
import { faceOf } from '../domain/face.ts';
import { requireActor } from '../store/actors.ts';

/** Registers `GetFaces`. */
export function handleFaces(d: Deps): void {
  d.api.handle(users.GetFaces, async (req) => {
    await requireActor(d.db, req.actor);
    const asked = [...new Set(req.userIds)];
    if (asked.length === 0) return { faces: [] };
    const marks = asked.map(() => '?').join(', ');
    const rows = await d.db.query(
      `SELECT u.id, u.avatar, u.face FROM users u WHERE u.id IN (${marks})
       AND (u.id = ? OR EXISTS (SELECT 1 FROM members a JOIN members b ON a.group_id = b.group_id WHERE a.user_id = ? AND b.user_id = u.id))`,
      [...asked, req.actor.userId, req.actor.userId],
    );
    const found = new Map<string, string | null>();
    for (const r of rows) {
      let face = r.face == null ? null : String(r.face);
      if (face === null && r.avatar != null) {
        face = (await faceOf(String(r.avatar))) ?? '';
        const made = face;
        // Only if the avatar is still the one the face was made from.
        await d.db.write((tx) => tx.execute('UPDATE users SET face = ? WHERE id = ? AND avatar = ? AND face IS NULL', [made, String(r.id), String(r.avatar)]));
      }
      found.set(String(r.id), face === '' ? null : face);
    }
    return { faces: asked.map((userId) => ({ userId, face: found.get(userId) ?? null })) };
  });
}
