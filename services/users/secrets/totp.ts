/**
 * Two-factor codes (TOTP, RFC 6238: SHA-1, 6 digits, 30-second steps — what every
 * authenticator app reads from an `otpauth://` URI). The HMAC and base32 work is npm
 * `otpauth` (maintained, pure JavaScript on `@noble/hashes`, so it runs the same on Node,
 * Bun's compiled binary and Deno); this file only decides which step a code belongs to, so
 * a code is accepted once, and makes the recovery codes.
 */
import { Secret, TOTP } from 'otpauth';
import { randomInt } from 'node:crypto';
import { secretHash } from './tokens.ts';

/** Seconds per code. */
export const PERIOD = 30;
/** Codes one step either side of now are accepted (a phone's clock off by up to 30 s). */
export const DRIFT_STEPS = 1;
/** Recovery codes made at enrolment. */
export const RECOVERY_CODES = 10;

const ISSUER = 'Hearth';

function totp(secret: string, label = ''): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secret) });
}

/** A new secret (160 random bits, as RFC 4226 recommends), base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/**
 * The `otpauth://` URI an authenticator app reads (from the QR code), labelled with the
 * account's email.
 *
 * @example
 * totpUri('JBSWY3DPEHPK3PXP', 'ada@example.com'); // 'otpauth://totp/Hearth:ada%40example.com?issuer=Hearth&secret=JBSW…'
 */
export function totpUri(secret: string, email: string): string {
  return totp(secret, email).toString();
}

/** A 6-digit code as typed: spaces dropped. Undefined when it is not one. */
export function asTotpCode(typed: string): string | undefined {
  const code = typed.replace(/\s+/g, '');
  return /^\d{6}$/.test(code) ? code : undefined;
}

/**
 * The time step `code` is valid for at `nowMs` (±`DRIFT_STEPS`), or undefined. A code is
 * accepted only when its step is after `lastStep`, the last one accepted: so each code
 * (and any older one) works once.
 */
export function totpStep(secret: string, code: string, nowMs: number, lastStep: number | null): number | undefined {
  const delta = totp(secret).validate({ token: code, timestamp: nowMs, window: DRIFT_STEPS });
  if (delta === null) return undefined;
  const step = Math.floor(nowMs / 1000 / PERIOD) + delta;
  return lastStep !== null && step <= lastStep ? undefined : step;
}

/** The code for `nowMs` (tests, and nothing else, compute codes). */
export function totpCode(secret: string, nowMs: number): string {
  return totp(secret).generate({ timestamp: nowMs });
}

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no 0/o, 1/l/i: read off paper

/** Ten recovery codes like `k7mq2-x9tra` (49 bits each: guessing one is hopeless at the sign-in rate limit). */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODES }, () => {
    const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** The stored form of a recovery code as typed: case, spaces and dashes ignored, then SHA-256. */
export function recoveryCodeHash(typed: string): string {
  return secretHash(typed.toLowerCase().replace(/[\s-]+/g, ''));
}
