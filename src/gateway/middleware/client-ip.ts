/**
 * The client's IP address: the connection's peer, unless that peer is a trusted reverse
 * proxy — then the right-most `X-Forwarded-For` entry that is not itself a trusted proxy
 * (entries further left are whatever the client chose to send, so they are never believed).
 */
import { isIP } from 'node:net';
import type { GatewayContext } from '../context.ts';
import { normalizeIp } from '../settings.ts';

/** The peer address of the connection (`unknown` without one, e.g. in `app.request()` tests). */
export function peerAddress(c: GatewayContext): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const addr = env?.incoming?.socket?.remoteAddress;
  return addr ? normalizeIp(addr) : 'unknown';
}

/**
 * The client address of a request.
 *
 * @example
 * clientIp('10.0.0.2', '198.51.100.7, 10.0.0.3', ['10.0.0.2', '10.0.0.3']); // '198.51.100.7'
 */
export function clientIp(peer: string, forwardedFor: string | undefined, trusted: readonly string[]): string {
  if (!forwardedFor || !trusted.includes(peer)) return peer;
  const hops = forwardedFor.split(',').map((h) => normalizeIp(h));
  if (hops.some((h) => !isIP(h))) return peer; // a malformed header is not believed at all
  for (let i = hops.length - 1; i >= 0; i--) if (!trusted.includes(hops[i]!)) return hops[i]!;
  return hops[0] ?? peer;
}
