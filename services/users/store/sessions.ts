/**
 * Sessions and their refresh-token families, written inside the caller's transaction:
 * opening one, rotating its token, and revoking — each revocation appends `SessionRevoked`
 * in the same transaction, so the gateway hears of exactly the sessions that ended.
 */
import { users } from '../../../src/contracts/index.ts';
import { uuidv7, type WriteTx } from '../../../src/kit/index.ts';
import type { Deps } from '../deps.ts';
import { isoNow } from '../deps.ts';
import { newRefreshToken, secretHash } from '../secrets/tokens.ts';

/** Why a session ended (the `reason` of `SessionRevoked`). */
export const RevokeReason = {
  Logout: 'logout',
  Revoked: 'revoked',
  PasswordChanged: 'password_changed',
  RefreshReuse: 'refresh_reuse',
  AccountDeleted: 'account_deleted',
} as const;
export type RevokeReason = (typeof RevokeReason)[keyof typeof RevokeReason];

/** Opens a session for `userId` and returns its id and first refresh token. */
export async function openSession(tx: WriteTx, d: Deps, userId: string, device: string): Promise<{ sessionId: string; refreshToken: string }> {
  const now = isoNow(d);
  const sessionId = uuidv7();
  // Sessions that ended or lapsed a whole ttl ago cannot matter any more: forget them.
  const cutoff = new Date(d.api.now() - d.settings.refreshTtlMs).toISOString();
  const stale = 'SELECT id FROM sessions WHERE user_id = ? AND (revoked_at < ? OR last_used_at < ?)';
  await tx.execute(`DELETE FROM refresh_tokens WHERE session_id IN (${stale})`, [userId, cutoff, cutoff]);
  await tx.execute('DELETE FROM sessions WHERE user_id = ? AND (revoked_at < ? OR last_used_at < ?)', [userId, cutoff, cutoff]);
  await tx.execute('INSERT INTO sessions (id, user_id, device, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)', [sessionId, userId, device, now, now]);
  return { sessionId, refreshToken: await issueRefreshToken(tx, d, sessionId) };
}

/** Spends `spentHash` (when given) and makes a new current refresh token for the session. */
export async function issueRefreshToken(tx: WriteTx, d: Deps, sessionId: string, spentHash?: string): Promise<string> {
  const now = isoNow(d);
  if (spentHash) {
    await tx.execute('UPDATE refresh_tokens SET spent_at = ? WHERE hash = ?', [now, spentHash]);
    await tx.execute('UPDATE sessions SET last_used_at = ? WHERE id = ?', [now, sessionId]);
    // Replays of tokens spent longer ago than a session may idle are refused as unknown anyway.
    const cutoff = new Date(d.api.now() - d.settings.refreshTtlMs).toISOString();
    await tx.execute('DELETE FROM refresh_tokens WHERE session_id = ? AND spent_at < ?', [sessionId, cutoff]);
  }
  const token = newRefreshToken();
  await tx.execute('INSERT INTO refresh_tokens (hash, session_id, created_at) VALUES (?, ?, ?)', [secretHash(token), sessionId, now]);
  return token;
}

/**
 * Revokes `userId`'s live sessions — only `only`, or all but `except`, or all — appending
 * one `SessionRevoked` each; returns how many ended.
 */
export async function revokeSessions(
  tx: WriteTx,
  d: Deps,
  userId: string,
  reason: RevokeReason,
  which: { only?: string; except?: string } = {},
): Promise<number> {
  const lapsed = new Date(d.api.now() - d.settings.refreshTtlMs).toISOString();
  const rs = await tx.execute('SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL AND last_used_at >= ? ORDER BY created_at', [userId, lapsed]);
  const ids = rs.rows.map((r) => String(r.id)).filter((id) => (which.only === undefined || id === which.only) && id !== which.except);
  const now = isoNow(d);
  for (const sessionId of ids) {
    await tx.execute('UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ?', [now, reason, sessionId]);
    await tx.append(users.SessionRevoked, { userId, sessionId, reason });
  }
  return ids.length;
}
