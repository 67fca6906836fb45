/**
 * Password hashing with scrypt from node:crypto (memory-hard, maintained with Node):
 * N=2^15, r=8, p=1 (32 MiB per hash, ~0.1 s), 32-byte salt, 64-byte key. The stored form
 * names its parameters — `scrypt$N$r$p$salt$hash` (base64url) — so they can be raised later
 * without breaking old hashes. Comparison is constant-time. Nothing here logs anything.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_BYTES = 64;
const SALT_BYTES = 32;
/** Parameters read back from storage are bounded, so a corrupt row cannot exhaust memory. */
const MAX_N = 2 ** 20;

function derive(password: string, salt: Buffer, o: { N: number; r: number; p: number }, bytes: number): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node refuses anything over maxmem (32 MiB by default), so allow twice that.
  const options: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 2 * 128 * o.N * o.r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, bytes, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/**
 * Hashes a password into its self-describing stored form.
 *
 * @example
 * const stored = await hashPassword('correct horse battery'); // 'scrypt$32768$8$1$…$…'
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, { N, r: R, p: P }, KEY_BYTES);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * True when `password` matches `stored`; false for a mismatch or a stored string that is
 * not a hash this code made.
 *
 * @example
 * await verifyPassword('correct horse battery', stored); // true
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![n, r, p].every(Number.isSafeInteger) || n < 2 || n > MAX_N || (n & (n - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length < 16) return false;
  const actual = await derive(password, salt, { N: n, r, p }, expected.length);
  return timingSafeEqual(actual, expected);
}

let dummy: Promise<string> | undefined;

/**
 * Spends the time of one verification against a hash nobody's password matches: used when
 * a sign-in names an unknown email, so timing does not reveal which accounts exist.
 */
export async function burnVerification(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(24).toString('base64url'));
  await verifyPassword(password, await dummy);
  return false;
}
