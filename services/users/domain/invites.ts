/** Whether an invite still admits someone: not revoked, not expired, not used up. */
import { UsersError } from './errors.ts';

/** What decides an invite's validity. */
export interface InviteState {
  expiresAt: string;
  maxUses: number;
  uses: number;
  revokedAt: string | null;
}

/**
 * Throws why `invite` (undefined: unknown code) cannot be used at `now` (ms), or returns (and `invite` is then known to be there).
 * Revocation is reported before expiry and use count, since it is the deliberate act.
 *
 * @example
 * checkInvite({ expiresAt: '2030-01-01T00:00:00.000Z', maxUses: 1, uses: 1, revokedAt: null }, Date.now()); // throws users.invite_used_up
 */
export function checkInvite(invite: InviteState | undefined, now: number): asserts invite is InviteState {
  if (!invite) throw UsersError.inviteInvalid();
  if (invite.revokedAt) throw UsersError.inviteRevoked();
  if (Date.parse(invite.expiresAt) <= now) throw UsersError.inviteExpired({ expiresAt: invite.expiresAt });
  if (invite.uses >= invite.maxUses) throw UsersError.inviteUsedUp({ maxUses: invite.maxUses });
}

/** True while the invite would still admit someone (for listings). */
export function inviteUsable(invite: InviteState, now: number): boolean {
  try {
    checkInvite(invite, now);
    return true;
  } catch {
    return false; // the reason does not matter to a listing
  }
}
