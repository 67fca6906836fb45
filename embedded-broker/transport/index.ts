/**
 * How clients reach the broker: TCP (the runtime's best socket API, chosen here — the
 * one place that knows which runtime it runs on) and WebSocket (node:net everywhere).
 */
import { listenTcpDeno } from './tcp-deno.ts';
import { listenTcpNode } from './tcp-node.ts';
import type { TransportTls } from './tls.ts';
import type { Accept, Listener } from './types.ts';

export { listenWebSocket } from './websocket.ts';
export type { Accept, Conn, ConnHandler, Listener } from './types.ts';

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined';

/**
 * Listens for NATS clients over TCP on host:port (-1 or 0: an ephemeral port), with TLS
 * when `tls` is given. Deno cannot start TLS on a socket it accepted (Deno.startTls is
 * client-only), so with TLS Deno too uses node:net and node:tls, its Node compatibility.
 */
export function listenTcp(host: string, port: number, accept: Accept, tls?: TransportTls): Promise<Listener> {
  return isDeno && !tls ? listenTcpDeno(host, port, accept) : listenTcpNode(host, port, accept, tls);
}
