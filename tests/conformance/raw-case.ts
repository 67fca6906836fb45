/**
 * Table-driven bad-input cases over raw TCP: one `RawCase` says what a client sends, the
 * exact bytes the broker answers, whether it closes the connection, and what a `>`
 * subscriber receives. `Bystander` is the well-behaved client connected beforehand whose
 * publish/receive round trip is checked after every case.
 */
import assert from 'node:assert/strict';
import { rawConnect, rawReady, type ConnectOptions, type RawClient } from './raw-client.ts';

/** One bad-input scenario. */
export interface RawCase {
  name: string;
  /** CONNECT options (verbose/pedantic off, headers on, unless set); false sends no CONNECT. */
  connect?: ConnectOptions | false;
  /** Written in order, each as one write. */
  send: string | Buffer | (string | Buffer)[];
  /** Exact bytes the broker sends back after the handshake. */
  reply: string;
  /** Whether the broker closes the connection. */
  closes: boolean;
  /** How long to wait for the close (1000 ms unless set). */
  closeWithinMs?: number;
  /** Exact bytes the bystander's `SUB > 1` receives because of this case ('' by default). */
  delivered?: string;
}

/** How long a case waits for something that should not happen ("nothing more arrives"). */
export const QUIET_MS = 300;

/** Strips the broker's own keep-alive PINGs (nats-server sends one ~2 s after CONNECT). */
function withoutServerPings(c: RawClient, text: string): string {
  const stripped = text.replace(/(?<=^|\n)PING\r\n/g, '');
  if (stripped !== text) c.write('PONG\r\n');
  return stripped;
}

/** Runs `rc` against the broker on `port` and asserts the reply bytes and the close. */
export async function runRawCase(port: number, rc: RawCase): Promise<void> {
  const c = rc.connect === false ? await rawConnect(port) : await rawReady(port, rc.connect);
  try {
    if (rc.connect === false) await c.readUntil(/^INFO .*\r\n/);
    for (const chunk of Array.isArray(rc.send) ? rc.send : [rc.send]) c.write(chunk);
    if (rc.closes) {
      assert.equal(await c.waitClosed(rc.closeWithinMs ?? 1000), true, `expected the connection to close; got ${JSON.stringify(c.all())}`);
      assert.equal(await c.drain(0), rc.reply);
    } else if (rc.reply !== '') {
      // Read as many bytes as expected (a case's client is younger than the broker's first
      // keep-alive PING, so nothing else can arrive), then compare them all at once.
      const n = rc.reply.length;
      const got = await c.take((rest) => (rest.length >= n ? [rest, rest.length] : undefined));
      assert.equal(got, rc.reply);
      assert.equal(c.isClosed(), false);
    } else {
      assert.equal(withoutServerPings(c, await c.drain(QUIET_MS)), rc.reply);
      assert.equal(c.isClosed(), false, 'expected the connection to stay open');
    }
  } finally {
    c.close();
  }
}

/** A well-behaved client subscribed to `>` on a broker, connected before the bad cases run. */
export interface Bystander {
  /**
   * Asserts the broker still accepts a new connection, and that this client still
   * publishes and receives; `delivered` is what the bad case should have delivered first.
   */
  check(delivered?: string): Promise<void>;
  close(): void;
}

/** Connects the bystander to the client port `port` with CONNECT options `opts`. */
export async function bystander(port: number, opts: ConnectOptions = {}): Promise<Bystander> {
  const c = await rawReady(port, opts);
  c.write('SUB > 1\r\nPING\r\n');
  await c.readUntil('PONG\r\n');
  let n = 0;
  return {
    async check(delivered = '') {
      const fresh = await rawReady(port, opts);
      fresh.close();
      const subject = `bystander.${++n}`;
      c.write(`PUB ${subject} 2\r\nok\r\nPING\r\n`);
      const got = withoutServerPings(c, await c.readUntil('PONG\r\n'));
      assert.equal(got, `${delivered}MSG ${subject} 1 2\r\nok\r\nPONG\r\n`);
    },
    close: () => c.close(),
  };
}
