/**
 * The WebSocket listener: nats.ws clients (browsers, Deno, Bun, Node) speak the NATS
 * protocol to the broker over it, as they would to nats-server 2.9.10's websocket port
 * (no TLS). The HTTP/1.1 upgrade is done by hand on node:net sockets so it runs the same
 * on Node, Bun and Deno.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { createTlsServer, type TransportTls } from './tls.ts';
import type { Accept, Listener } from './types.ts';
import { WebSocketConn } from './websocket-conn.ts';
import { maxCompressedMessage } from './websocket-deflate.ts';
import type { WsSession } from './websocket-handshake.ts';
import { UpgradeReader } from './websocket-upgrade.ts';

/** Where to listen and what to allow. */
export interface WebSocketListenOptions {
  host: string;
  /** -1 or 0 picks an ephemeral port; `Listener.port` tells which. */
  port: number;
  /** Offer permessage-deflate to clients that ask for it. */
  compression: boolean;
  /** The broker's max_payload; bounds how big a compressed message may be. */
  maxPayload: number;
  /** wss:// */
  tls?: TransportTls;
}

// After an HTTP error that ends the connection, how long the peer has to close its side.
const CLOSE_LINGER_MS = 5000;

/** Starts listening for WebSocket clients; each upgraded connection goes to `accept`. */
export function listenWebSocket(opts: WebSocketListenOptions, accept: Accept): Promise<Listener> {
  const handshaking = new Set<Socket>();
  const maxCompressed = maxCompressedMessage(opts.maxPayload);
  const connected = (socket: Socket): void => {
    handshaking.add(socket);
    socket.once('close', () => handshaking.delete(socket));
    upgrade(socket, opts.compression, (session, leftover) => {
      handshaking.delete(socket);
      new WebSocketConn(socket, session, maxCompressed).start(accept, leftover);
    });
  };
  const server = opts.tls ? createTlsServer(opts.tls, connected) : createServer(connected);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port > 0 ? opts.port : 0, opts.host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      resolve({
        host: opts.host,
        port,
        // Stops accepting and drops connections still in their handshake; upgraded ones
        // belong to the protocol layer, which ends them.
        close: () =>
          new Promise((done) => {
            server.close();
            for (const s of handshaking) s.destroy();
            done();
          }),
      });
    });
  });
}

/** Reads the upgrade request(s) off a new socket and answers them. */
function upgrade(
  socket: Socket,
  compression: boolean,
  upgraded: (session: WsSession, leftover: Uint8Array) => void,
): void {
  const reader = new UpgradeReader(compression);
  // Go's net.Conn has TCP_NODELAY on; frames are written whole, so small ones need no batching.
  socket.setNoDelay(true);
  const onError = (): void => {
    // 'close' follows every error; a socket that fails mid-handshake just goes away.
  };
  const onData = (chunk: Uint8Array): void => {
    for (const step of reader.push(chunk)) {
      if (step.kind === 'write') socket.write(step.data, 'latin1');
      else {
        socket.off('data', onData);
        socket.off('error', onError);
        if (step.kind === 'upgrade') upgraded(step.session, step.leftover);
        else closeAfterFlush(socket);
      }
    }
  };
  socket.on('data', onData);
  socket.on('error', onError);
}

function closeAfterFlush(socket: Socket): void {
  socket.on('error', () => {
    // the connection is being dropped anyway
  });
  socket.end();
  const timer = setTimeout(() => socket.destroy(), CLOSE_LINGER_MS);
  (timer as { unref?: () => void }).unref?.();
  socket.once('close', () => clearTimeout(timer));
}
