/**
 * OwnTracks payload encryption, as the apps and the OwnTracks recorder do it: libsodium's
 * secretbox (XSalsa20-Poly1305) with a key that is the secret's UTF-8 bytes, zero-padded
 * or cut to 32 (Android `EncryptionProvider`, iOS `Connection.m`), sent as
 * `{"_type":"encrypted","data": base64(nonce(24) ‖ box)}`. The cipher is `@noble/ciphers`
 * (audited, pure JavaScript: it runs in `bun build --compile`, on Deno and on Node alike,
 * with no native addon), not hand-written.
 */
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { randomBytes } from '@noble/ciphers/utils.js';

const KEY_BYTES = 32;
const NONCE_BYTES = 24;
const MAC_BYTES = 16;

/** The 32-byte key the apps derive from a secret. */
export function keyOf(secret: string): Uint8Array {
  const key = new Uint8Array(KEY_BYTES);
  key.set(new TextEncoder().encode(secret).subarray(0, KEY_BYTES));
  return key;
}

/**
 * Opens an `encrypted` message's `data` with `secret`: the plaintext, or `null` when it
 * does not open (another secret, or not a box at all).
 *
 * @example
 * open(seal('{"_type":"location"}', 's3cret'), 's3cret'); // '{"_type":"location"}'
 */
export function open(data: string, secret: string): string | null {
  // Buffer skips what is not base64 rather than throwing; the tag check below refuses the result.
  const wire = Uint8Array.from(Buffer.from(data, 'base64'));
  if (wire.length < NONCE_BYTES + MAC_BYTES) return null;
  try {
    const plain = xsalsa20poly1305(keyOf(secret), wire.subarray(0, NONCE_BYTES)).decrypt(wire.subarray(NONCE_BYTES));
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    return null; // the tag does not match: another secret (or the bytes are not UTF-8 text)
  }
}

/**
 * Seals `plain` with `secret` under a fresh random nonce, as the apps expect a reply:
 * base64(nonce ‖ box).
 *
 * @example
 * const reply = { _type: 'encrypted', data: seal(JSON.stringify(friends), secret) };
 */
export function seal(plain: string, secret: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const box = xsalsa20poly1305(keyOf(secret), nonce).encrypt(new TextEncoder().encode(plain));
  const wire = new Uint8Array(NONCE_BYTES + box.length);
  wire.set(nonce);
  wire.set(box, NONCE_BYTES);
  return Buffer.from(wire).toString('base64');
}
