/**
 * Byte helpers for the protocol's hot path. Subjects, sids and sizes travel as latin1
 * strings: every byte maps to one char and back, so subjects round-trip unchanged
 * whatever bytes they hold.
 */

type Latin1Buffer = Uint8Array & { latin1Slice?: (start: number, end: number) => string };
const hasSlice = typeof (Buffer.prototype as Latin1Buffer).latin1Slice === 'function';

/** Decodes bytes [start, end) of `b` as latin1. */
export function latin1(b: Uint8Array, start = 0, end = b.length): string {
  if (hasSlice && Buffer.isBuffer(b)) return (b as Latin1Buffer).latin1Slice!(start, end);
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1', start, end);
}

/** Splits a control line's arguments on spaces and tabs, as nats-server does. */
export function splitArgs(b: Uint8Array): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 32 || c === 9) {
      if (start >= 0) out.push(latin1(b, start, i));
      start = -1;
    } else if (start < 0) start = i;
  }
  if (start >= 0) out.push(latin1(b, start, b.length));
  return out;
}

/** One to nine ASCII digits, as nats-server's parseSize; anything else is -1. */
export function parseSize(s: string | undefined): number {
  if (s === undefined || s.length === 0 || s.length > 9) return -1;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** A copy of `b`. (Buffer#slice would return a view, not a copy.) */
export function copyBytes(b: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(b);
}
