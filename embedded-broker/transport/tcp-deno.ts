/**
 * The TCP listener on Deno's own sockets. Deno's node:net compatibility layer works, but
 * it leaves so many dead read buffers behind under bulk traffic that a broker relaying
 * 64 MiB grows by ~40 MiB before the collector catches up. Here every connection reads
 * into one reused buffer (a transient Conn: the protocol layer copies what it keeps), so
 * reading makes no garbage at all.
 */
import type { Accept, Conn, ConnHandler, Listener } from './types.ts';

/** The slice of Deno's API this adapter uses (declared here: no Deno types in the build). */
interface DenoConnLike {
  readonly remoteAddr: { hostname?: string; port?: number };
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  close(): void;
  setNoDelay?(on: boolean): void;
}
interface DenoListenerLike extends AsyncIterable<DenoConnLike> {
  readonly addr: { port: number };
  close(): void;
}
interface DenoLike {
  listen(o: { hostname: string; port: number; transport: 'tcp' }): DenoListenerLike;
}

const READ_SIZE = 64 * 1024;

class DenoConn implements Conn {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly transient = true;
  pending = 0;
  private queue: Uint8Array[] = [];
  private writing = false;
  private ending = false;
  private closed = false;
  private paused = false;
  private wake?: () => void;
  handler?: ConnHandler;

  private readonly conn: DenoConnLike;

  constructor(conn: DenoConnLike) {
    this.conn = conn;
    this.remoteAddress = conn.remoteAddr.hostname ?? '';
    this.remotePort = conn.remoteAddr.port ?? 0;
  }

  write(data: Uint8Array): boolean {
    if (this.closed || this.ending) return false;
    this.queue.push(data);
    this.pending += data.length;
    if (!this.writing) void this.pump();
    return this.pending === data.length;
  }

  end(): void {
    this.ending = true;
    if (!this.writing) this.destroy();
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.pending = 0;
    this.resume(); // a read loop waiting to resume sees the close
    try {
      this.conn.close();
    } catch {
      // already closed by the peer
    }
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Resolves once reading may go on (at once unless paused). */
  readable(): Promise<void> | undefined {
    if (!this.paused || this.closed) return undefined;
    return new Promise((r) => (this.wake = r));
  }

  private async pump(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const chunk = this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue);
        this.queue = [];
        let off = 0;
        while (off < chunk.length) {
          const n = await this.conn.write(chunk.subarray(off));
          off += n;
          this.pending -= n;
        }
        // Tell the protocol layer after each chunk, not only once the queue is empty: a
        // peer that keeps up while more keeps coming would otherwise never be reported.
        if (!this.closed && !this.ending) this.handler?.drain();
      }
    } catch {
      this.destroy(); // a write to a reset peer: the read loop reports the close
    }
    this.writing = false;
    if (this.ending) this.destroy();
  }
}

async function serve(conn: DenoConnLike, accept: Accept): Promise<void> {
  conn.setNoDelay?.(true);
  const c = new DenoConn(conn);
  const handler = (c.handler = accept(c));
  const buf = Buffer.allocUnsafe(READ_SIZE);
  try {
    for (;;) {
      const paused = c.readable();
      if (paused) await paused;
      const n = await conn.read(buf);
      if (n === null) break;
      handler.data(buf.subarray(0, n));
    }
  } catch {
    // reset by peer, or closed by us: either way the connection is over
  }
  c.destroy();
  handler.closed();
}

/** Listens on host:port with Deno.listen (-1 or 0: an ephemeral port). */
export async function listenTcpDeno(host: string, port: number, accept: Accept): Promise<Listener> {
  const deno = (globalThis as unknown as { Deno: DenoLike }).Deno;
  const listener = deno.listen({ hostname: host, port: port < 0 ? 0 : port, transport: 'tcp' });
  void (async () => {
    try {
      for await (const conn of listener) void serve(conn, accept);
    } catch {
      // the listener was closed
    }
  })();
  return { host, port: listener.addr.port, close: async () => listener.close() };
}
