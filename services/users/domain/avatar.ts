/**
 * An avatar's bytes must be what its data URL says they are: the contract checks the
 * shape (`data:image/png|jpeg|webp;base64,…`), this checks the file signature of the
 * decoded bytes, so an SVG (which a browser would run scripts in, opened on its own) or
 * any other file labelled `image/png` is refused. Pure; no I/O.
 */
import { Buffer } from 'node:buffer';
import { UsersError } from './errors.ts';

/** The file signature of each avatar type the API takes. */
const SIGNATURES: Readonly<Record<string, (b: Uint8Array) => boolean>> = {
  'image/png': (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  'image/jpeg': (b) => startsWith(b, [0xff, 0xd8, 0xff]),
  // RIFF <size> WEBP
  'image/webp': (b) => startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b.subarray(8), [0x57, 0x45, 0x42, 0x50]),
};

const DATA_URL = /^data:(image\/[a-z]+);base64,([A-Za-z0-9+/=]*)$/;

/**
 * Throws `users.avatar_mismatch` (validation) unless `dataUrl`'s bytes carry the signature
 * of its declared type (PNG, JPEG or WebP).
 *
 * @example
 * checkAvatar('data:image/png;base64,PHN2Zz4='); // throws: that is `<svg>`
 */
export function checkAvatar(dataUrl: string): void {
  const m = DATA_URL.exec(dataUrl);
  const type = m?.[1] ?? '';
  const matches = SIGNATURES[type];
  const bytes = Buffer.from(m?.[2] ?? '', 'base64');
  if (!matches || !matches(bytes)) {
    const message = `The avatar's bytes are not a ${type ? type.slice(6).toUpperCase() : 'PNG, JPEG or WebP'} image`;
    throw UsersError.avatarMismatch({ issues: [{ path: 'avatar', message }] });
  }
}

function startsWith(b: Uint8Array, sig: readonly number[]): boolean {
  return b.length >= sig.length && sig.every((x, i) => b[i] === x);
}
