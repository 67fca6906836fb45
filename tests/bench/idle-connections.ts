/**
 * Memory per idle client: the broker's resident memory before and after 1,000 raw TCP
 * connections have each completed the handshake (CONNECT + PING answered by PONG). Raw
 * node:net sockets keep the client side cheap so the 1,000 fit in this process easily.
 */
import { connect, type Socket } from 'node:net';
import type { Running } from '../conformance/targets.ts';
import { rssKiB } from './proc-stats.ts';

/** What the idle-connection phase measured (KiB). */
export interface IdleResult {
  connections: number;
  beforeKiB: number;
  afterKiB: number;
  perConnectionKiB: number;
}

// Opening all 1,000 at once would overflow a small listen backlog (Node's default is 511)
// and measure SYN retries instead of memory.
const concurrent = 100;
const hello = 'CONNECT {"verbose":false,"pedantic":false,"lang":"bench","version":"0"}\r\nPING\r\n';

function handshake(port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    let seen = '';
    const fail = (why: string): void => {
      clearTimeout(timer);
      s.destroy();
      reject(new Error(why));
    };
    const timer = setTimeout(() => fail(`no PONG within ${timeoutMs} ms`), timeoutMs);
    s.on('connect', () => s.write(hello));
    s.on('error', (e) => fail(e.message));
    s.on('data', (b) => {
      // INFO arrives first and may be split anywhere, so the text is accumulated; a broker
      // that rejects the CONNECT says -ERR instead of PONG.
      seen += b.toString('latin1');
      if (seen.includes('-ERR')) fail(seen.slice(seen.indexOf('-ERR')).trim());
      else if (seen.includes('PONG\r\n')) {
        clearTimeout(timer);
        s.removeAllListeners('data');
        s.on('error', () => {
          // the broker closing an idle client early shows in the count, not as a crash
        });
        resolve(s);
      }
    });
  });
}

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Opens `count` idle connections to `broker`, reads its RSS, and closes them. */
export async function idleConnections(broker: Running, count = 1000): Promise<IdleResult> {
  await settle(500);
  const beforeKiB = rssKiB(broker.pid);
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < count; i += concurrent) {
      const n = Math.min(concurrent, count - i);
      const batch = await Promise.allSettled(Array.from({ length: n }, () => handshake(broker.port, 10_000)));
      for (const r of batch) if (r.status === 'fulfilled') sockets.push(r.value);
      const failed = batch.find((r) => r.status === 'rejected');
      if (failed) throw new Error(`connection ${sockets.length + 1} of ${count}: ${(failed.reason as Error).message}`);
    }
    // Let buffers the broker grew during the handshakes be trimmed or reused before reading.
    await settle(500);
    const open = sockets.filter((s) => !s.destroyed).length;
    const afterKiB = rssKiB(broker.pid);
    return { connections: open, beforeKiB, afterKiB, perConnectionKiB: (afterKiB - beforeKiB) / open };
  } finally {
    for (const s of sockets) s.destroy();
    await settle(200);
  }
}
