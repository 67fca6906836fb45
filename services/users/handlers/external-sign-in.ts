/**
 * `SignInExternal`: someone an external OpenID provider vouched for signs in (the gateway
 * has validated the ID token with openid-client: issuer, audience, nonce, expiry,
 * signature). The account is found by (issuer, subject); a first sign-in links to the
 * account with the same verified e-mail only when `oidc.link_by_email` is on, and otherwise
 * makes a new account under the registration mode, exactly as `Register` would (invite,
 * first account is the admin). Two-factor codes are not asked: the provider authenticates.
 */
import { users } from '../../../src/contracts/index.ts';
import { uuidv7, type RequestOf, type WriteTx } from '../../../src/kit/index.ts';
import { isoNow, type Deps } from '../deps.ts';
import { UsersError } from '../domain/errors.ts';
import { checkInvite } from '../domain/invites.ts';
import { decideRegistration } from '../domain/registration.ts';
import { findInvite, join, useInvite } from '../store/groups.ts';
import { openSession } from '../store/sessions.ts';
import { pair } from './sign-in.ts';

/** The password hash of an account made through a provider: no password matches it (secrets/passwords.ts). */
const NO_PASSWORD = 'external';

type Req = RequestOf<typeof users.SignInExternal>;

async function linkedUser(tx: WriteTx, issuer: string, subject: string): Promise<{ id: string; deleting: boolean } | undefined> {
  const [r] = await tx.query(
    'SELECT u.id, u.deleting_saga FROM external_identities e JOIN users u ON u.id = e.user_id WHERE e.issuer = ? AND e.subject = ?',
    [issuer, subject],
  );
  return r ? { id: String(r.id), deleting: r.deleting_saga != null } : undefined;
}

async function link(tx: WriteTx, d: Deps, req: Req, userId: string): Promise<void> {
  await tx.execute('DELETE FROM external_identities WHERE issuer = ? AND subject = ?', [req.issuer, req.subject]);
  await tx.execute('INSERT INTO external_identities (issuer, subject, user_id, created_at) VALUES (?, ?, ?, ?)', [req.issuer, req.subject, userId, isoNow(d)]);
}

/** A new account for `req`, under the registration mode (and the group its invite joined). */
async function create(tx: WriteTx, d: Deps, req: Req, email: string): Promise<{ userId: string; groupId: string | null }> {
  const [count] = await tx.query('SELECT count(*) AS n FROM users');
  const admission = decideRegistration({ mode: d.settings.registration, firstAccount: Number(count!.n) === 0, hasInvite: req.invite !== undefined });
  const invite = admission.useInvite ? await findInvite(tx, req.invite!) : undefined;
  if (admission.useInvite) checkInvite(invite, d.api.now());
  const userId = uuidv7();
  const now = isoNow(d);
  const displayName = (req.displayName?.trim() || email.split('@')[0]!).slice(0, 80).replaceAll('\u0000', '');
  await tx.execute('INSERT INTO users (id, email, password_hash, display_name, admin, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
    userId, email, NO_PASSWORD, displayName, admission.admin ? 1 : 0, now,
  ]);
  await tx.append(users.UserRegistered, { userId, displayName, admin: admission.admin });
  if (invite) {
    await useInvite(tx, invite.code);
    await join(tx, invite.groupId, { id: userId, displayName }, 'member', now, invite.createdBy);
  }
  return { userId, groupId: invite?.groupId ?? null };
}

/** Registers `SignInExternal`. */
export function handleExternalSignIn(d: Deps): void {
  d.api.handle(users.SignInExternal, async (req, ctx) => {
    const opened = await ctx.write(async (tx) => {
      let outcome: { userId: string; created: boolean; linked: boolean; groupId: string | null };
      const known = await linkedUser(tx, req.issuer, req.subject);
      if (known) {
        if (known.deleting) throw UsersError.accountDeleting();
        outcome = { userId: known.id, created: false, linked: false, groupId: null };
      } else {
        const email = req.email?.trim().toLowerCase();
        if (!email || !/^[^\s@]+@[^\s@]+$/.test(email)) throw UsersError.externalEmailMissing();
        const [existing] = await tx.query('SELECT id, deleting_saga FROM users WHERE email = ?', [email]);
        if (existing) {
          // Linking trusts the provider's word that this person owns the e-mail: only when verified, and only when the owner allowed it.
          if (!d.settings.linkByEmail || !req.emailVerified) throw UsersError.externalEmailTaken();
          if (existing.deleting_saga != null) throw UsersError.accountDeleting();
          outcome = { userId: String(existing.id), created: false, linked: true, groupId: null };
        } else {
          outcome = { ...(await create(tx, d, req, email)), created: true, linked: true };
        }
        await link(tx, d, req, outcome.userId);
      }
      return { ...outcome, ...(await openSession(tx, d, outcome.userId, req.device?.trim() || 'unnamed device')) };
    });
    ctx.log.info('signed in through an external provider', { userId: opened.userId, created: opened.created, linked: opened.linked });
    return { ...(await pair(d, opened.userId, opened.sessionId, opened.refreshToken)), created: opened.created, linked: opened.linked, groupId: opened.groupId };
  });
}
