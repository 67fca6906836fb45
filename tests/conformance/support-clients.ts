/**
 * The official clients, set up the same way for every conformance test: `nats` over TCP
 * and `nats.ws` over WebSocket, never reconnecting (a reconnect would hide a close the
 * test is about), plus helpers to gather messages and read a raw INFO line.
 */
import { connect, type ConnectionOptions, type Msg, type NatsConnection, type Subscription } from 'nats';
import type { Running } from './targets.ts';
import type { RawClient } from './raw-client.ts';

/** Connects the `nats` TCP client to `broker`. */
export function tcpClient(broker: Running, opts: Partial<ConnectionOptions> = {}): Promise<NatsConnection> {
  return connect({ servers: broker.url, reconnect: false, timeout: 2000, ...opts });
}

/**
 * Connects the `nats.ws` client to `broker`'s WebSocket port (plus `path`). Node 20 has no
 * global WebSocket, so the `ws` package is installed as one first, as nats.ws's README
 * tells Node users to do with a W3C-compatible implementation.
 */
export async function wsClient(broker: Running, opts: Partial<ConnectionOptions> = {}, path = ''): Promise<NatsConnection> {
  if (!broker.wsUrl) throw new Error(`${broker.target.name} has no websocket port`);
  if (typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'undefined') {
    const { WebSocket } = await import('ws');
    (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
  }
  const natsWs = await import('nats.ws');
  return natsWs.connect({ servers: broker.wsUrl + path, reconnect: false, timeout: 2000, ...opts });
}

/**
 * Resolves with the first `count` messages `sub` delivers (leaving its iterator then
 * unsubscribes it, as nats.js does); rejects when they do not all
 * arrive within `timeoutMs`, saying how many did.
 */
export function collect(sub: Subscription, count: number, timeoutMs = 2000): Promise<Msg[]> {
  return new Promise((resolve, reject) => {
    const got: Msg[] = [];
    const timer = setTimeout(() => reject(new Error(`got ${got.length} of ${count} messages on ${sub.getSubject()} within ${timeoutMs} ms`)), timeoutMs);
    void (async () => {
      for await (const m of sub) {
        got.push(m);
        if (got.length === count) break;
      }
      clearTimeout(timer);
      resolve(got);
    })().catch((e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Counts what `sub` receives until the caller reads the count (for "exactly N" checks). */
export function counter(sub: Subscription): { count(): number } {
  let n = 0;
  void (async () => {
    for await (const _ of sub) n++;
  })();
  return { count: () => n };
}

/** Reads the INFO line a raw client is greeted with and returns its JSON. */
export async function readInfo(c: RawClient, timeoutMs = 1000): Promise<Record<string, unknown>> {
  const line = await c.readUntil(/INFO (\{.*\}) ?\r\n/, timeoutMs);
  const m = /INFO (\{.*\}) ?\r\n/.exec(line);
  return JSON.parse(m![1]!) as Record<string, unknown>;
}
