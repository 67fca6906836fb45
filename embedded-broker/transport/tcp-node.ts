/**
 * The TCP listener on node:net, used on Node and Bun. Each socket
 * becomes a Conn; Nagle is off so small replies are not held back.
 */
import { createServer, type Socket } from 'node:net';
import type { Accept, Conn, Listener } from './types.ts';

class TcpConn implements Conn {
  readonly remoteAddress: string;
  readonly remotePort: number;

  private readonly socket: Socket;

  constructor(socket: Socket) {
    this.socket = socket;
    this.remoteAddress = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    this.remotePort = socket.remotePort ?? 0;
  }

  get pending(): number {
    return this.socket.writableLength;
  }

  write(data: Uint8Array): boolean {
    if (this.socket.destroyed) return false;
    return this.socket.write(data);
  }

  end(): void {
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

/** Listens on host:port (-1 or 0: an ephemeral port). */
export function listenTcpNode(host: string, port: number, accept: Accept): Promise<Listener> {
  const server = createServer({ noDelay: true }, (socket) => {
    socket.setNoDelay(true);
    const handler = accept(new TcpConn(socket));
    socket.on('data', (b: Buffer) => handler.data(b));
    socket.on('drain', () => handler.drain());
    socket.on('error', () => {}); // a reset peer is reported by 'close'
    socket.on('close', () => handler.closed());
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
