/**
 * The broker's id (INFO `server_id`), in the form nats-server gives it: a server's public
 * nkey ("N" and 55 more base32 characters: the prefix byte, 32 key bytes, a CRC-16). Ours
 * signs nothing, so the 32 bytes are random rather than an Ed25519 key: deriving one in pure
 * JavaScript (@nats-io/nkeys on tweetnacl) cost every start 40–150 ms of CPU here, several
 * times that on a Raspberry Pi. Any nkey library decodes it (server-id.test.ts).
 */

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** The nkey prefix byte of a server key ('N'): 13 << 3. */
const SERVER_PREFIX = 13 << 3;

/** CRC-16/XMODEM, the checksum nkeys append (little-endian). */
function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** RFC 4648 base32 without padding. */
function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/**
 * A fresh server id.
 *
 * @example
 * serverId(); // 'NBX…' (56 characters)
 */
export function serverId(): string {
  const raw = new Uint8Array(35);
  raw[0] = SERVER_PREFIX;
  crypto.getRandomValues(raw.subarray(1, 33));
  const crc = crc16(raw.subarray(0, 33));
  raw[33] = crc & 0xff;
  raw[34] = crc >> 8;
  return base32(raw);
}
