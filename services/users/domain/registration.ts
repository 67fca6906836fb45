/** Who may create an account, by registration mode; the very first account always may. */
import type { Registration } from '../settings.ts';
import { UsersError } from './errors.ts';

/** How an allowed registration proceeds. */
export interface Admission {
  /** The first account of the instance is its admin. */
  admin: boolean;
  /** Whether the invite code must be checked and used (the account joins its group). */
  useInvite: boolean;
}

/**
 * Decides a registration, or throws why it is refused.
 *
 * @example
 * decideRegistration({ mode: 'invite-only', firstAccount: false, hasInvite: true }); // { admin: false, useInvite: true }
 */
export function decideRegistration(r: { mode: Registration; firstAccount: boolean; hasInvite: boolean }): Admission {
  // A fresh instance has no groups and so no invites: the first account needs none.
  if (r.firstAccount) return { admin: true, useInvite: false };
  if (r.mode === 'closed') throw UsersError.registrationClosed();
  if (r.mode === 'invite-only' && !r.hasInvite) throw UsersError.inviteRequired();
  return { admin: false, useInvite: r.hasInvite };
}
