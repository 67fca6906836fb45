/**
 * A bare TCP client for conformance tests that must send bytes no well-behaved NATS
 * client would: it writes whatever it is given and lets a test read the server's answer
 * byte for byte, wait for a pattern with a short deadline, and see whether the server
 * closed the connection.
 */
import { connect as netConnect, type Socket } from 'node:net';

/** A raw connection to a broker's client port. */
export interface RawClient {
  /** Writes bytes as they are (strings are sent as latin1, one byte per char). */
  write(data: string | Uint8Array): void;
  /**
   * Resolves with everything received since the last read up to and including the first
   * match of `pattern`, and consumes it; rejects on timeout or when the server closes first.
   */
  readUntil(pattern: string | RegExp, timeoutMs?: number): Promise<string>;
  /**
   * The general form of readUntil: `parse` sees the unconsumed bytes (latin1) and returns
   * `[value, bytesConsumed]` once it has what it wants, or undefined to wait for more.
   */
  take<T>(parse: (rest: string) => [T, number] | undefined, timeoutMs?: number): Promise<T>;
  /** Waits `ms` and returns (and consumes) whatever arrived meanwhile, possibly ''. */
  drain(ms: number): Promise<string>;
  /** Everything received so far, consumed or not, as latin1 text. */
  all(): string;
  /** Whether the server has closed (or reset) the connection. */
  isClosed(): boolean;
  /** Resolves true once the connection is closed, false when `timeoutMs` passes first. */
  waitClosed(timeoutMs?: number): Promise<boolean>;
  /** Closes our side. */
  close(): void;
  socket: Socket;
}

/** Opens a TCP connection to 127.0.0.1:`port`; the INFO line is left unread. */
export function rawConnect(port: number): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: '127.0.0.1', port });
    let buf = '';
    let cursor = 0;
    let closed = false;
    const waiters = new Set<() => void>();
    const wake = () => {
      for (const w of [...waiters]) w();
    };
    socket.on('data', (b) => {
      buf += b.toString('latin1');
      wake();
    });
    // A reset counts as closed: nats-server may close with unread input still pending.
    socket.on('error', () => {});
    socket.on('close', () => {
      closed = true;
      wake();
    });
    socket.once('connect', () => resolve(client));
    socket.once('error', reject);

    const wait = <T>(check: () => T | undefined, timeoutMs: number, onTimeout: () => T | Error): Promise<T> =>
      new Promise((res, rej) => {
        const settle = (v: T | Error) => {
          clearTimeout(timer);
          waiters.delete(poll);
          v instanceof Error ? rej(v) : res(v);
        };
        const poll = () => {
          try {
            const v = check();
            if (v !== undefined) settle(v);
          } catch (e) {
            settle(e as Error);
          }
        };
        const timer = setTimeout(() => settle(onTimeout()), timeoutMs);
        waiters.add(poll);
        poll();
      });

    const client: RawClient = {
      socket,
      write: (data) => {
        if (!socket.destroyed) socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
      },
      take: (parse, timeoutMs = 1000) =>
        wait(
          () => {
            const rest = buf.slice(cursor);
            const got = parse(rest);
            if (got) {
              cursor += got[1];
              return got[0];
            }
            if (closed) throw new Error(`closed before the expected bytes; got ${JSON.stringify(rest)}`);
            return undefined;
          },
          timeoutMs,
          () => new Error(`timed out after ${timeoutMs} ms; got ${JSON.stringify(buf.slice(cursor))}`),
        ),
      readUntil: (pattern, timeoutMs = 1000) =>
        client.take((rest) => {
          if (typeof pattern === 'string') {
            const i = rest.indexOf(pattern);
            return i >= 0 ? [rest.slice(0, i + pattern.length), i + pattern.length] : undefined;
          }
          const m = pattern.exec(rest);
          return m ? [rest.slice(0, m.index + m[0].length), m.index + m[0].length] : undefined;
        }, timeoutMs).catch((e: Error) => {
          throw new Error(`waiting for ${String(pattern)}: ${e.message}`);
        }),
      drain: async (ms) => {
        await new Promise((r) => setTimeout(r, ms));
        const rest = buf.slice(cursor);
        cursor = buf.length;
        return rest;
      },
      all: () => buf,
      isClosed: () => closed,
      waitClosed: (timeoutMs = 1000) => wait(() => (closed ? true : undefined), timeoutMs, () => false),
      close: () => socket.destroy(),
    };
  });
}

/** CONNECT options a test may set; anything else is passed through as given. */
export type ConnectOptions = Record<string, unknown>;

/**
 * Connects, reads INFO, sends CONNECT (verbose off, headers on unless overridden) and a
 * PING, and waits for the PONG, so the client is ready for the case under test.
 */
export async function rawReady(port: number, opts: ConnectOptions = {}): Promise<RawClient> {
  const c = await rawConnect(port);
  await c.readUntil(/^INFO .*\r\n/);
  c.write(`CONNECT ${JSON.stringify({ verbose: false, pedantic: false, headers: true, protocol: 1, ...opts })}\r\nPING\r\n`);
  await c.readUntil('PONG\r\n');
  return c;
}
