/**
 * The face OwnTracks shows for a friend (a card's `face`), made from the avatar once, when
 * it is set: base64 with no `data:` prefix (both apps base64-decode the field as it is:
 * iOS `initWithBase64EncodedString`, Android `Base64.decode`), a 128×128 square cut from
 * the middle (Android scales the face to a 48 dp square, distorting anything not square;
 * iOS draws it in a 40 pt circle), as a JPEG (both decode it; a photo is a few KB, and the
 * face rides on every answer to every post).
 *
 * Images are decoded and resized with Jimp (npm `jimp`): written entirely in JavaScript, so
 * it runs unchanged on Node, Bun (inside `bun build --compile`) and Deno, with no native
 * addon or WASM file to ship. It reads PNG and JPEG; a WebP avatar (Jimp has no pure-JS
 * WebP decoder) is passed on as it is when it is small enough, since both apps decode WebP.
 * Not pure I/O-free in the strict sense (decoding takes a few ms of CPU) but it touches
 * nothing outside its arguments.
 */
import { Buffer } from 'node:buffer';
import { imageSize } from './image-size.ts';

/**
 * Jimp, loaded at the first avatar rather than with the service: its image codecs cost a
 * start about a fifth of a second of CPU and the process several MiB, for a picture set
 * now and then (docs/benchmarks.md, "Start and idle memory").
 */
let jimp: Promise<typeof import('jimp')> | undefined;

/** The side of the square face, in pixels. */
export const FACE_PX = 128;
/** JPEG quality of the face. */
const QUALITY = 80;
/** Largest picture decoded (pixels): a small file may declare a huge one, and decoding takes 4 bytes a pixel. */
export const FACE_MAX_PIXELS = 4096 * 4096;
/** A WebP avatar passed on unchanged must be at most this big (decoded bytes). */
export const FACE_WEBP_MAX = 16 * 1024;

const DATA_URL = /^data:(image\/[a-z]+);base64,([A-Za-z0-9+/=]*)$/;

/**
 * The OwnTracks face for an avatar data URL, or null when there is none to give (no avatar,
 * an image that does not decode or declares more than FACE_MAX_PIXELS, a WebP too big to
 * pass on).
 *
 * @example
 * await faceOf('data:image/png;base64,iVBORw0KGgo…'); // '/9j/4AAQSkZJRgABAQAAAQABAAD…' (a 128×128 JPEG)
 */
export async function faceOf(avatar: string | null): Promise<string | null> {
  const m = avatar ? DATA_URL.exec(avatar) : null;
  if (!m) return null;
  const bytes = Buffer.from(m[2]!, 'base64');
  if (m[1] === 'image/webp') return bytes.length <= FACE_WEBP_MAX ? bytes.toString('base64') : null;
  const size = imageSize(bytes);
  if (!size || size.width * size.height > FACE_MAX_PIXELS) return null;
  const { Jimp } = await (jimp ??= import('jimp')); // outside the try: a Jimp that does not load is no bad avatar
  try {
    const img = await Jimp.fromBuffer(bytes);
    img.cover({ w: FACE_PX, h: FACE_PX });
    // JPEG has no transparency: a transparent PNG is laid on white rather than on black.
    const square = new Jimp({ width: FACE_PX, height: FACE_PX, color: 0xffffffff });
    square.composite(img, 0, 0);
    return (await square.getBuffer('image/jpeg', { quality: QUALITY })).toString('base64');
  } catch {
    return null; // an avatar whose header is right but whose image does not decode: no face, the tid shows
  }
}
