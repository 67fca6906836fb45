/**
 * The TCP listener on node:net, used on Node and Bun (and on Deno when TLS is on: see
 * index.ts). Each socket becomes a Conn; Nagle is off so small replies are not held back.
 * With TLS the Conn starts in clear, and the protocol layer calls startTls() once it has
 * written INFO: from then on bytes go through the TLS socket, and whatever the protocol
 * writes during the handshake waits for it.
 */
import { createServer, type Socket } from 'node:net';
import { InBandTls, type TransportTls } from './tls.ts';
import type { Accept, Conn, ConnHandler, Listener } from './types.ts';

class TcpConn implements Conn {
  readonly remoteAddress: string;
  readonly remotePort: number;
  handler!: ConnHandler;
  startTls?: () => void;

  private socket: Socket;
  /** Writes made during the TLS handshake. */
  private held?: Uint8Array[];
  private heldBytes = 0;

  constructor(socket: Socket, tls?: InBandTls) {
    this.socket = socket;
    this.remoteAddress = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    this.remotePort = socket.remotePort ?? 0;
    if (tls) {
      this.startTls = () => this.upgrade(tls);
      // Until then nothing reads the socket; a peer resetting it must not be an unhandled error.
      socket.on('error', () => {});
    } else this.wire(socket);
  }

  /** Reports the socket's events to the handler. */
  private wire(s: Socket): void {
    s.on('data', (b: Buffer) => this.handler.data(b));
    s.on('drain', () => this.handler.drain());
    s.on('error', () => {}); // a reset peer is reported by 'close'
    s.on('close', () => this.handler.closed());
  }

  private upgrade(tls: InBandTls): void {
    this.startTls = undefined;
    this.held = [];
    tls.upgrade(this.socket, (secure, error) => {
      const held = this.held ?? [];
      this.held = undefined;
      this.heldBytes = 0;
      if (!secure) return this.handler.closed(error);
      this.socket = secure;
      secure.setNoDelay?.(true);
      this.wire(secure);
      for (const chunk of held) secure.write(chunk);
    });
  }

  get pending(): number {
    return this.held ? this.heldBytes : this.socket.writableLength;
  }

  write(data: Uint8Array): boolean {
    if (this.socket.destroyed) return false;
    if (this.held) {
      this.held.push(data);
      this.heldBytes += data.length;
      return true;
    }
    return this.socket.write(data);
  }

  end(): void {
    // Nothing can be flushed to a peer that has not finished its handshake.
    if (this.held) return this.destroy();
    this.socket.end();
    // A peer that never reads would keep a half-closed socket forever.
    setTimeout(() => this.socket.destroy(), 2000).unref?.();
  }

  destroy(): void {
    this.socket.destroy();
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    if (!this.socket.destroyed) this.socket.resume();
  }
}

/** Listens on host:port (-1 or 0: an ephemeral port), with TLS started in-band if `tls` is given. */
export function listenTcpNode(host: string, port: number, accept: Accept, tls?: TransportTls): Promise<Listener> {
  const inBand = tls ? new InBandTls(tls) : undefined;
  const server = createServer({ noDelay: true }, (socket) => {
    socket.setNoDelay(true);
    const conn = new TcpConn(socket, inBand);
    conn.handler = accept(conn);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port < 0 ? 0 : port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve({
        host,
        port: typeof addr === 'object' && addr ? addr.port : port,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}
