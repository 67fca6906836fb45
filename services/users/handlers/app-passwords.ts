/**
 * App passwords: labelled per-device secrets for clients that cannot do the token dance
 * (OwnTracks, scripts). The secret is returned once, by `CreateAppPassword`; only its
 * SHA-256 is kept. `VerifyAppPassword` answers whose it is and notes when it was used.
 */
import { users } from '../../../src/contracts/index.ts';
import { uuidv7 } from '../../../src/kit/index.ts';
import { isoNow, type Deps } from '../deps.ts';
import { UsersError } from '../domain/errors.ts';
import { newAppPassword, secretHash } from '../secrets/tokens.ts';
import { requireActor } from '../store/actors.ts';

/** How many app passwords one account may hold. */
export const MAX_APP_PASSWORDS = 50;

/** Registers `CreateAppPassword`, `ListAppPasswords`, `RevokeAppPassword` and `VerifyAppPassword`. */
export function handleAppPasswords(d: Deps): void {
  d.api.handle(users.CreateAppPassword, (req, ctx) =>
    ctx.write(async (tx) => {
      const user = await requireActor(tx, req.actor);
      const [count] = await tx.query('SELECT count(*) AS n FROM app_passwords WHERE user_id = ?', [user.id]);
      if (Number(count!.n) >= MAX_APP_PASSWORDS) throw UsersError.tooManyAppPasswords({ max: MAX_APP_PASSWORDS });
      const id = uuidv7();
      const password = newAppPassword();
      await tx.execute('INSERT INTO app_passwords (id, user_id, label, hash, created_at) VALUES (?, ?, ?, ?, ?)', [id, user.id, req.label, secretHash(password), isoNow(d)]);
      return { id, label: req.label, password };
    }),
  );

  d.api.handle(users.ListAppPasswords, async (req) => {
    await requireActor(d.db, req.actor);
    const rows = await d.db.query('SELECT id, label, created_at, last_used_at FROM app_passwords WHERE user_id = ? ORDER BY created_at, id', [req.actor.userId]);
    return {
      items: rows.map((r) => ({ id: String(r.id), label: String(r.label), createdAt: String(r.created_at), lastUsedAt: r.last_used_at == null ? null : String(r.last_used_at) })),
    };
  });

  d.api.handle(users.RevokeAppPassword, (req, ctx) =>
    ctx.write(async (tx) => {
      await requireActor(tx, req.actor);
      const rs = await tx.execute('DELETE FROM app_passwords WHERE id = ? AND user_id = ?', [req.id, req.actor.userId]);
      if (rs.rowsAffected === 0) throw UsersError.noSuchAppPassword();
      // Every gateway caches verified app passwords: this tells them all to forget this user's.
      await tx.append(users.AppPasswordRevoked, { userId: req.actor.userId, appPasswordId: req.id });
      return {};
    }),
  );

  d.api.handle(users.VerifyAppPassword, (req, ctx) =>
    ctx.write(async (tx) => {
      const [r] = await tx.query(
        'SELECT a.id, a.user_id FROM app_passwords a JOIN users u ON u.id = a.user_id WHERE a.hash = ? AND u.email = ? AND u.deleting_saga IS NULL', // an account being deleted takes no more data from its phones
        [secretHash(req.password), req.email],
      );
      if (!r) throw UsersError.badCredentials();
      await tx.execute('UPDATE app_passwords SET last_used_at = ? WHERE id = ?', [isoNow(d), r.id]);
      return { userId: String(r.user_id), appPasswordId: String(r.id) };
    }),
  );
}
