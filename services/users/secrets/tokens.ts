/**
 * High-entropy random secrets (refresh tokens, app passwords, invite codes) and their
 * stored form. A secret with ≥128 random bits cannot be guessed, so a fast SHA-256 is
 * enough to keep a stolen database from yielding usable secrets; no salt or KDF needed.
 */
import { createHash, randomBytes } from 'node:crypto';

/** The prefix that marks an app password (lets secret scanners and people recognise one). */
export const APP_PASSWORD_PREFIX = 'hap_';

/** `bytes` random bytes as base64url. */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** An opaque refresh token: 32 random bytes. */
export const newRefreshToken = (): string => randomToken(32);
/** An app password, shown once: `hap_` + 24 random bytes. */
export const newAppPassword = (): string => APP_PASSWORD_PREFIX + randomToken(24);
/** An invite code: 16 random bytes (22 URL-safe characters). */
export const newInviteCode = (): string => randomToken(16);

/**
 * The stored form of a random secret: its SHA-256 in hex.
 *
 * @example
 * await db.query('SELECT session_id FROM refresh_tokens WHERE hash = ?', [secretHash(token)]);
 */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
