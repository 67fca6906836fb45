/**
 * The wire encoding of every message body: plain MessagePack (msgpackr without its
 * record extension, so any MessagePack library in any language can read it).
 */
import { C1, Packr } from 'msgpackr';
import { AppError } from './errors.ts';

const packr = new Packr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });

/**
 * Encodes a value as MessagePack.
 *
 * @example
 * const bytes = encode({ after: 0, limit: 100 });
 */
export function encode(value: unknown): Uint8Array {
  return packr.pack(value);
}

/**
 * Decodes MessagePack; malformed or truncated bytes throw `kit.bad_payload`.
 *
 * @example
 * const value = decode(bytes);
 */
export function decode(bytes: Uint8Array): unknown {
  if (bytes.length === 0) throw new AppError('validation', 'kit.bad_payload', 'Empty message body; expected MessagePack');
  let value: unknown;
  try {
    value = packr.unpack(bytes); // also refuses trailing bytes after the first value
  } catch (err) {
    throw new AppError('validation', 'kit.bad_payload', 'Message body is not valid MessagePack', undefined, { cause: err });
  }
  if (holdsNeverUsed(value)) throw new AppError('validation', 'kit.bad_payload', 'Message body holds the never-used MessagePack byte 0xc1');
  return value;
}

/**
 * msgpackr decodes the byte 0xc1, which the MessagePack spec says is never used, into a
 * marker object instead of failing; a conforming reader must refuse it.
 */
function holdsNeverUsed(value: unknown): boolean {
  const stack = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v === C1) return true;
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) continue;
    for (const item of Array.isArray(v) ? v : Object.values(v)) stack.push(item); // no spread: arrays may be huge
  }
  return false;
}
