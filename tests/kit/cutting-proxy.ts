/**
 * A TCP proxy between one broker client and the broker that can cut the client's outbound
 * stream at its first publish on a subject prefix: everything the client sent before that
 * publish reaches the broker, nothing from it on does, while the broker's traffic to the
 * client keeps flowing. For the client it is a network that silently stopped delivering —
 * the broker never sees the events, nor the PING of the flush that would confirm them.
 *
 * It reads the NATS text protocol only far enough to find `PUB <prefix>` / `HPUB <prefix>`
 * at the start of a line; the client writes whole operations, so a line split across
 * chunks is only held until the rest arrives.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

/** A running proxy. */
export interface CuttingProxy {
  /** nats://127.0.0.1:<port> for the client. */
  readonly url: string;
  /** From now on, cut the client's stream at its first publish on `prefix`; resolves once cut. */
  cutAtPublish(prefix: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a proxy to the broker at `target` (`nats://host:port`).
 *
 * @example
 * const proxy = await startCuttingProxy(broker.url);
 * const cut = proxy.cutAtPublish('evt.ledger.');
 */
export async function startCuttingProxy(target: string): Promise<CuttingProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let prefix: string | undefined;
  let cut = false;
  let onCut: (() => void) | undefined;
  let held = Buffer.alloc(0);

  const server: Server = createServer((downstream) => {
    const upstream = connect(Number(port), hostname);
    for (const s of [downstream, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined); // a killed client resets the connection; that is the point
      s.on('close', () => {
        sockets.delete(s);
        downstream.destroy();
        upstream.destroy();
      });
    }
    upstream.on('data', (chunk) => downstream.write(chunk));
    downstream.on('data', (chunk: Buffer) => {
      if (cut) return;
      if (prefix === undefined) return void upstream.write(chunk);
      held = Buffer.concat([held, chunk]);
      const text = held.toString('latin1');
      const m = new RegExp(`(^|\\n)H?PUB ${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).exec(text);
      if (m) {
        upstream.write(held.subarray(0, m.index + m[1]!.length));
        cut = true;
        onCut?.();
        return;
      }
      const lineStart = text.lastIndexOf('\n') + 1; // hold a possibly split line until its rest comes
      upstream.write(held.subarray(0, lineStart));
      held = held.subarray(lineStart);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };

  return {
    url: `nats://127.0.0.1:${address.port}`,
    cutAtPublish(p) {
      prefix = p;
      return new Promise<void>((resolve) => (cut ? resolve() : (onCut = resolve)));
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
