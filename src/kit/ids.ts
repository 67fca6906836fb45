/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits, so ids sort by
 * creation time. Monotonic within one process: ids made in the same millisecond count up
 * in the 12-bit `rand_a` field (method 1 of the RFC), spilling into the timestamp. The 62
 * random bits of `rand_b` come from a pool of CSPRNG bytes refilled 512 ids at a time (as
 * Node's own `randomUUID` does): one `getRandomValues` call per id was a measurable share
 * of the gateway's cost per request (docs/benchmarks.md, #18).
 */
import { getRandomValues } from 'node:crypto';

let lastMs = 0;
let counter = 0;
const bytes = new Uint8Array(16);
const pool = new Uint8Array(8 * 512);
let taken = pool.length;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A new UUIDv7 string.
 *
 * @example
 * const id = uuidv7(); // '0190f5b2-7c3a-7e0b-9c1d-4f2a8b6e1d90'
 */
export function uuidv7(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
  } else if (++counter > 0xfff) {
    lastMs += 1; // the counter overflowed: borrow the next millisecond
    counter = 0;
  }
  if (taken === pool.length) {
    getRandomValues(pool);
    taken = 0;
  }
  bytes.set(pool.subarray(taken, taken + 8), 8);
  pool.fill(0, taken, (taken += 8)); // a used random byte is not kept around
  const ms = lastMs;
  bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
  bytes[2] = (ms >>> 24) & 0xff;
  bytes[3] = (ms >>> 16) & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = 0x70 | (counter >>> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  let s = '';
  for (let i = 0; i < 16; i++) {
    s += HEX[bytes[i]!];
    if (i === 3 || i === 5 || i === 7 || i === 9) s += '-';
  }
  return s;
}

/** The Unix milliseconds inside a UUIDv7. */
export function uuidv7Time(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
