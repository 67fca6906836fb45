/**
 * The security headers of the web app's pages and files: a strict Content-Security-Policy
 * (no inline script or style, nothing from elsewhere but map tiles, no framing), no MIME
 * sniffing, and a referrer policy that sends other sites the origin only — the OpenStreetMap
 * tile policy asks for a Referer, and an invite code in `/join/<code>` must not leak in one.
 */

/** The `img-src` source for a tile URL template: its origin, `{s}` subdomains as `*`; none when empty. */
export function tileSource(tileUrl: string): string | undefined {
  if (!tileUrl) return undefined;
  const m = /^(https?:\/\/[^/]+)/.exec(tileUrl.replace('{s}', '*'));
  return m?.[1];
}

/**
 * The headers every app response carries.
 *
 * @example
 * webHeaders('https://tile.openstreetmap.org/{z}/{x}/{y}.png')['content-security-policy'];
 * // "default-src 'self'; … img-src 'self' data: blob: https://tile.openstreetmap.org; …"
 */
export function webHeaders(tileUrl: string): Record<string, string> {
  const tiles = tileSource(tileUrl);
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${tiles ? ' ' + tiles : ''}`,
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'geolocation=(self), camera=(), microphone=()',
  };
}
