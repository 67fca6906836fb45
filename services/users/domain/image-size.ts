/**
 * An image's width and height from its header, without decoding it: a 64 KiB PNG or JPEG
 * can declare a picture of hundreds of megapixels (a decompression bomb), which must be
 * refused before anything decodes it. Read by npm `image-size` (maintained, no
 * dependencies, pure JavaScript: it runs in `bun build --compile` and on Deno), which
 * reads only the header. Pure; no I/O.
 */
import { imageSize as readSize } from 'image-size';

/** The declared size, or undefined when the header cannot be read. */
export function imageSize(b: Uint8Array): { width: number; height: number } | undefined {
  try {
    const { width, height } = readSize(b);
    return width && height ? { width, height } : undefined;
  } catch {
    return undefined; // not an image it knows, or a header cut short
  }
}
