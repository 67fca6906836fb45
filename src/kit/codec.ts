/**
 * The wire encoding of every message body: plain MessagePack (msgpackr without its
 * record extension, so any MessagePack library in any language can read it).
 */
import { Packr } from 'msgpackr';
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
  try {
    return packr.unpack(bytes);
  } catch (err) {
    throw new AppError('validation', 'kit.bad_payload', 'Message body is not valid MessagePack', undefined, { cause: err });
  }
}
