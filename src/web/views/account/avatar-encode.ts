/**
 * Turns a picture into an avatar the API takes: a centred square (zoomed and moved by the
 * person), drawn on a canvas at 256 px and encoded as WebP (JPEG where the browser cannot
 * write WebP), trying lower quality and then fewer pixels until the data URL fits the
 * API's limits — at most 90 000 characters and 64 KiB of image (src/contracts/users.ts).
 */

/** The API's limits for an avatar. */
export const AVATAR_LIMITS = { chars: 90_000, bytes: 64 * 1024 } as const;

/** The square to cut from the picture, in its own pixels. */
export interface Crop {
  x: number;
  y: number;
  side: number;
}

/**
 * The crop for a picture of `w`×`h` at `zoom` (1 = the largest square), centred on
 * (`cx`, `cy`) but kept inside the picture.
 *
 * @example
 * cropOf(400, 300, 1, 200, 150); // { x: 50, y: 0, side: 300 }
 */
export function cropOf(w: number, h: number, zoom: number, cx: number, cy: number): Crop {
  const side = Math.min(w, h) / Math.max(1, zoom);
  const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  return { x: clamp(cx - side / 2, w - side), y: clamp(cy - side / 2, h - side), side };
}

/** Whether a data URL is within the API's limits. */
export function fits(dataUrl: string): boolean {
  const b64 = dataUrl.slice(dataUrl.indexOf(',') + 1);
  return dataUrl.length <= AVATAR_LIMITS.chars && Math.floor((b64.length * 3) / 4) <= AVATAR_LIMITS.bytes;
}

/** The avatar's data URL, or null when even the smallest try is too big. */
export function encodeAvatar(image: CanvasImageSource, crop: Crop): string | null {
  for (const px of [256, 192, 128, 96]) {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = px;
    const ctx = canvas.getContext('2d')!;
    // JPEG has no transparency: a transparent PNG would turn black without a background.
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, px, px);
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(image, crop.x, crop.y, crop.side, crop.side, 0, 0, px, px);
    for (const type of ['image/webp', 'image/jpeg']) {
      for (const q of [0.85, 0.7, 0.55, 0.4]) {
        const url = canvas.toDataURL(type, q);
        // A browser that cannot write `type` silently writes PNG instead: try the next type.
        if (!url.startsWith(`data:${type};`)) break;
        if (fits(url)) return url;
      }
    }
  }
  return null;
}
