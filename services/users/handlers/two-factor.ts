/**
 * Two-factor sign-in (TOTP): `StartTwoFactor` makes a secret (shown once, as text and as
 * an `otpauth://` URI), `ConfirmTwoFactor` turns it on with a first valid code and answers
 * ten recovery codes (shown once, kept hashed), `DisableTwoFactor` turns it off with a code
 * or the password, `TwoFactorStatus` says where the account stands. `Login` asks
 * `useSecondFactor` once the password is right. The secret stays in this service's
 * database: no event, export or log line carries it. App passwords (devices) need no code.
 */
import { users } from '../../../src/contracts/index.ts';
import type { WriteTx } from '../../../src/kit/index.ts';
import { isoNow, type Deps, type Read } from '../deps.ts';
import { UsersError } from '../domain/errors.ts';
import { verifyPassword } from '../secrets/passwords.ts';
import { asTotpCode, newRecoveryCodes, newTotpSecret, recoveryCodeHash, totpStep, totpUri } from '../secrets/totp.ts';
import { requireActor } from '../store/actors.ts';

interface TwoFactorRow {
  secret: string;
  enabled: boolean;
  enabledAt: string | null;
  lastStep: number | null;
}

async function twoFactorOf(read: Read, userId: string): Promise<TwoFactorRow | undefined> {
  const [r] = await read.query('SELECT secret, enabled_at, last_step FROM two_factor WHERE user_id = ?', [userId]);
  if (!r) return undefined;
  return { secret: String(r.secret), enabled: r.enabled_at != null, enabledAt: r.enabled_at == null ? null : String(r.enabled_at), lastStep: r.last_step == null ? null : Number(r.last_step) };
}

/** Whether `userId` signs in with a second factor. */
export async function hasTwoFactor(read: Read, userId: string): Promise<boolean> {
  return (await twoFactorOf(read, userId))?.enabled ?? false;
}

/**
 * Spends `typed` as `userId`'s second factor: a 6-digit code for a step after the last one
 * accepted (±1 step of drift), or an unused recovery code. True when it was accepted (and
 * is now spent, in `tx`).
 */
export async function useSecondFactor(tx: WriteTx, d: Deps, userId: string, typed: string, row?: TwoFactorRow): Promise<boolean> {
  const tf = row ?? (await twoFactorOf(tx, userId));
  if (!tf) return false;
  const code = asTotpCode(typed);
  if (code !== undefined) {
    const step = totpStep(tf.secret, code, d.api.now(), tf.lastStep);
    if (step === undefined) return false;
    await tx.execute('UPDATE two_factor SET last_step = ? WHERE user_id = ?', [step, userId]);
    return true;
  }
  if (!tf.enabled) return false; // recovery codes exist only once it is on
  const rs = await tx.execute('UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND hash = ? AND used_at IS NULL', [isoNow(d), userId, recoveryCodeHash(typed)]);
  return rs.rowsAffected === 1;
}

/** Registers `TwoFactorStatus`, `StartTwoFactor`, `ConfirmTwoFactor` and `DisableTwoFactor`. */
export function handleTwoFactor(d: Deps): void {
  d.api.handle(users.TwoFactorStatus, async (req) => {
    await requireActor(d.db, req.actor);
    const tf = await twoFactorOf(d.db, req.actor.userId);
    const [left] = await d.db.query('SELECT count(*) AS n FROM recovery_codes WHERE user_id = ? AND used_at IS NULL', [req.actor.userId]);
    return { enabled: tf?.enabled ?? false, pending: !!tf && !tf.enabled, enabledAt: tf?.enabledAt ?? null, recoveryCodesLeft: tf?.enabled ? Number(left!.n) : 0 };
  });

  d.api.handle(users.StartTwoFactor, (req, ctx) =>
    ctx.write(async (tx) => {
      const user = await requireActor(tx, req.actor);
      if (await hasTwoFactor(tx, user.id)) throw UsersError.twoFactorEnabled();
      const secret = newTotpSecret();
      await tx.execute(
        `INSERT INTO two_factor (user_id, secret, created_at) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at, last_step = NULL`,
        [user.id, secret, isoNow(d)],
      );
      return { secret, uri: totpUri(secret, user.email) };
    }),
  );

  d.api.handle(users.ConfirmTwoFactor, (req, ctx) =>
    ctx.write(async (tx) => {
      const user = await requireActor(tx, req.actor);
      const tf = await twoFactorOf(tx, user.id);
      if (tf?.enabled) throw UsersError.twoFactorEnabled();
      if (!tf) throw UsersError.twoFactorNotPending();
      if (!(await useSecondFactor(tx, d, user.id, req.code, tf))) throw UsersError.wrongCode();
      await tx.execute('UPDATE two_factor SET enabled_at = ? WHERE user_id = ?', [isoNow(d), user.id]);
      await tx.execute('DELETE FROM recovery_codes WHERE user_id = ?', [user.id]);
      const recoveryCodes = newRecoveryCodes();
      for (const c of recoveryCodes) await tx.execute('INSERT INTO recovery_codes (user_id, hash) VALUES (?, ?)', [user.id, recoveryCodeHash(c)]);
      ctx.log.info('two-factor sign-in turned on', { userId: user.id });
      return { recoveryCodes };
    }),
  );

  d.api.handle(users.DisableTwoFactor, async (req, ctx) => {
    if (req.code === undefined && req.password === undefined) throw UsersError.codeOrPassword();
    const user = await requireActor(d.db, req.actor);
    // The password is checked outside the transaction: scrypt is slow and needs no lock.
    if (req.code === undefined && !(await verifyPassword(req.password!, user.passwordHash))) throw UsersError.wrongPassword();
    await ctx.write(async (tx) => {
      const tf = await twoFactorOf(tx, user.id);
      if (!tf?.enabled) throw UsersError.twoFactorNotEnabled();
      if (req.code !== undefined && !(await useSecondFactor(tx, d, user.id, req.code, tf))) throw UsersError.wrongCode();
      await tx.execute('DELETE FROM two_factor WHERE user_id = ?', [user.id]);
      await tx.execute('DELETE FROM recovery_codes WHERE user_id = ?', [user.id]);
    });
    ctx.log.info('two-factor sign-in turned off', { userId: user.id });
    return {};
  });
}
