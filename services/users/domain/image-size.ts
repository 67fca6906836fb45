/**
 * An image's width and height from its header, without decoding it: a 64 KiB PNG or JPEG
 * can declare a picture of hundreds of megapixels (a decompression bomb), which must be
 * refused before anything decodes it. PNG: the IHDR chunk (always first, RFC 2083 §4.1.1);
 * JPEG: the first start-of-frame marker (SOF0–SOF15 but DHT, JPG and DAC, ITU T.81 B.1.1.3).
 * Pure; no I/O.
 */

/** The declared size, or undefined when the header cannot be read. */
export function imageSize(b: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  // PNG: 8-byte signature, then length(4) "IHDR"(4) width(4) height(4).
  if (b.length >= 24 && b[0] === 0x89 && b[1] === 0x50 && b[12] === 0x49 && b[13] === 0x48 && b[14] === 0x44 && b[15] === 0x52) {
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return { height: view.getUint16(i + 5), width: view.getUint16(i + 7) };
    i += 2 + view.getUint16(i + 2);
  }
  return undefined;
}
