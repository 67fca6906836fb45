/**
 * `Register`: the first account of an instance needs no invite and becomes its admin;
 * after that the registration mode decides (open, invite-only, closed). With an invite the
 * new account joins the invite's group as a member — the family flow. The policy and the
 * invite are checked before the email, so a refused registration reveals no accounts.
 */
import { users } from '../../../src/contracts/index.ts';
import { uuidv7 } from '../../../src/kit/index.ts';
import { isoNow, type Deps } from '../deps.ts';
import { UsersError } from '../domain/errors.ts';
import { checkInvite } from '../domain/invites.ts';
import { decideRegistration } from '../domain/registration.ts';
import { hashPassword } from '../secrets/passwords.ts';
import { findInvite, join, useInvite } from '../store/groups.ts';

/** Registers `Register`. */
export function handleRegister(d: Deps): void {
  d.api.handle(users.Register, async (req, ctx) => {
    // Hash before taking the write lock: ~0.1 s of scrypt must not serialise other writes.
    const passwordHash = await hashPassword(req.password);
    return ctx.write(async (tx) => {
      const [count] = await tx.query('SELECT count(*) AS n FROM users');
      const admission = decideRegistration({ mode: d.settings.registration, firstAccount: Number(count!.n) === 0, hasInvite: req.invite !== undefined });
      const invite = admission.useInvite ? await findInvite(tx, req.invite!) : undefined;
      if (admission.useInvite) checkInvite(invite, d.api.now());
      if ((await tx.query('SELECT 1 FROM users WHERE email = ?', [req.email])).length) throw UsersError.emailTaken();

      const userId = uuidv7();
      const now = isoNow(d);
      await tx.execute('INSERT INTO users (id, email, password_hash, display_name, admin, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
        userId,
        req.email,
        passwordHash,
        req.displayName,
        admission.admin ? 1 : 0,
        now,
      ]);
      await tx.append(users.UserRegistered, { userId, displayName: req.displayName, admin: admission.admin });
      if (invite) {
        await useInvite(tx, invite.code);
        await join(tx, invite.groupId, { id: userId, displayName: req.displayName }, 'member', now, invite.createdBy);
      }
      ctx.log.info('account registered', { userId, admin: admission.admin, viaInvite: Boolean(invite) });
      return { userId, admin: admission.admin, groupId: invite?.groupId ?? null };
    });
  });
}
