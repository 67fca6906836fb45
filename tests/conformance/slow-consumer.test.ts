/**
 * Slow consumers (issue #13, finding 8). A client that reads its own publications at its
 * own pace gets every one of them: the nats.js suite's "buffers don't clobber" case, one
 * connection publishing 262,144 × 1 KiB in one burst to a subject it subscribes to (the
 * broker used to cut it off as a slow consumer at ~66,500 and the client, reconnecting,
 * never got the rest); the same with max_pending at 2 MiB, over TCP and WebSocket, shows
 * the broker holding the publisher back rather than relying on the default 64 MiB of
 * room (nats-server's stall gate). A client that stops reading is cut off once a write has waited
 * write_deadline, as nats-server does it: a "Slow Consumer Detected" notice in the log,
 * slow_consumers counted, the connection closed without -ERR; the publisher and the other
 * subscribers carry on. (max_pending's cut-off is in limits.test.ts.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createInbox, type NatsConnection } from 'nats';
import { conf, targets } from './targets.ts';
import { rawConnect, rawReady } from './raw-client.ts';
import { getJson, useBroker, within } from './support-broker.ts';
import { counter, readInfo, tcpClient, wsClient } from './support-clients.ts';
import { waitFor } from '../support/poll.ts';

const COUNT = 256 * 1024;
const SIZE = 1024;
/** Room for a loaded 2-core machine: nats-server takes ~2 s, our broker a few more. */
const CLOBBER_TIMEOUT = 150_000;

/** Message i: its index (4 bytes, big-endian), then the alphabet from where nats.js's test has it. */
const ALPHABET = Buffer.from('abcdefghijklmnopqrstuvwxyz'.repeat(Math.ceil(SIZE / 26) + 1), 'latin1');
const tail = (i: number): Buffer => ALPHABET.subarray((i * SIZE + 4) % 26, ((i * SIZE + 4) % 26) + SIZE - 4);
function message(i: number): Uint8Array {
  const b = Buffer.allocUnsafe(SIZE);
  b.writeUInt32BE(i, 0);
  tail(i).copy(b, 4);
  return b;
}

// The burst is one synchronous loop in which the client reads nothing; on a loaded CI
// machine it can outlast the default 10 s write deadline, which would then cut the client
// off on nats-server as on ours. A long deadline keeps this test about the stall alone.
const burstConf = conf('write_deadline: "120s"');
const SMALL_COUNT = 32 * 1024;
const smallConf = conf('max_pending: 2097152\nwrite_deadline: "120s"');
const deadlineConf = conf(`
max_pending: 268435456
write_deadline: "2s"
`);

/**
 * Publishes `count` messages to a subject `nc` subscribes to, in one synchronous loop as
 * nats.js's test does, and checks that every one comes back in order and intact, with
 * no slow consumer counted.
 */
async function burst(nc: NatsConnection, count: number, httpPort: number): Promise<void> {
  try {
    const subject = createInbox();
    const sub = nc.subscribe(subject, { max: count });
    let got = 0;
    let wrong = '';
    const read = (async () => {
      for await (const m of sub) {
        const d = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.length);
        if (!wrong && (d.length !== SIZE || d.readUInt32BE(0) !== got || !d.subarray(4).equals(tail(got)))) {
          wrong = `message ${got} arrived as #${d.length >= 4 ? d.readUInt32BE(0) : '?'} (${d.length} bytes)`;
        }
        got++;
      }
    })();
    for (let i = 0; i < count; i++) nc.publish(subject, message(i));
    const finished = await within(read.then(() => true), CLOBBER_TIMEOUT - 10_000, false);
    assert.equal(wrong, '');
    const why = nc.isClosed() ? await nc.closed() : undefined;
    assert.ok(finished && got === count, `got ${got} of ${count} messages; connection closed: ${nc.isClosed()} ${why ?? ''}`);
    const { body } = await getJson<{ slow_consumers: number }>(httpPort, '/varz');
    assert.equal(body.slow_consumers, 0);
  } finally {
    if (!nc.isClosed()) await nc.close();
  }
}

interface Connz {
  connections: { cid: number }[];
}

for (const target of targets()) {
  describe(target.name, { skip: target.skip, timeout: CLOBBER_TIMEOUT + 60_000 }, () => {
    describe('a client reading its own publications', () => {
      const broker = useBroker(target, burstConf);

      it(`gets all ${COUNT} messages of 1 KiB it publishes in one burst, in order and intact`, { timeout: CLOBBER_TIMEOUT }, async () => {
        await burst(await tcpClient(broker()), COUNT, broker().httpPort!);
      });
    });

    describe('a client reading its own publications, max_pending 2 MiB', () => {
      const broker = useBroker(target, smallConf);

      it('gets all 32,768 messages of 1 KiB over TCP: the stall keeps it under max_pending', { timeout: 60_000 }, async () => {
        await burst(await tcpClient(broker()), SMALL_COUNT, broker().httpPort!);
      });

      it('gets all 32,768 messages of 1 KiB over WebSocket', { timeout: 60_000 }, async () => {
        await burst(await wsClient(broker()), SMALL_COUNT, broker().httpPort!);
      });
    });

    describe('write deadline', () => {
      const broker = useBroker(target, deadlineConf);

      it('cuts off a subscriber that stops reading once a write waits write_deadline; the publisher and other subscribers carry on', async () => {
        const slow = await rawConnect(broker().port);
        const pub = await rawReady(broker().port);
        const healthy = await tcpClient(broker());
        try {
          const { client_id: slowCid } = await readInfo(slow);
          slow.write('CONNECT {"verbose":false}\r\nSUB flood.> 1\r\nPING\r\n');
          await slow.readUntil('PONG\r\n');
          slow.socket.pause();
          const seen = counter(healthy.subscribe('flood.>'));
          await healthy.flush();

          // 64 MiB: more than the kernel buffers of a socket nobody reads, far less than
          // max_pending. 1 MiB at a time, each sent once the healthy subscriber has all but
          // the last 2 MiB, so a busy test process cannot make *it* miss the deadline.
          const batch = Buffer.from(`PUB flood.data 8192\r\n${'x'.repeat(8192)}\r\n`.repeat(128), 'latin1');
          const total = 64 * 1024 * 1024;
          for (let sent = 0; sent < total; sent += 128 * 8192) {
            await waitFor(`the healthy subscriber to keep up (${seen.count()} of ${sent / 8192})`, () => seen.count() >= sent / 8192 - 256, 15_000);
            if (pub.socket.write(batch)) continue;
            const drained = await within(once(pub.socket, 'drain').then(() => true), 15_000, false);
            assert.ok(drained, `the broker stopped reading the publisher after ${sent / 1048576} MiB`);
          }
          pub.write('PING\r\n');
          await pub.readUntil('PONG\r\n', 15_000);

          await waitFor('the slow consumer to be cut off', async () => {
            const { body } = await getJson<Connz>(broker().httpPort!, `/connz?cid=${slowCid}`);
            return body.connections.length === 0;
          }, 10_000);
          await waitFor('the healthy subscriber to get every message', () => seen.count() === total / 8192, 20_000).catch((e: Error) => {
            throw new Error(`${e.message}: ${seen.count()} arrived; healthy closed: ${healthy.isClosed()}\n${broker().output().slice(-1500)}`);
          });
          const { body } = await getJson<{ slow_consumers: number }>(broker().httpPort!, '/varz');
          assert.ok(body.slow_consumers >= 1, `slow_consumers ${body.slow_consumers}`);
          assert.match(broker().output(), /\[INF\] .*Slow Consumer Detected: WriteDeadline of 2s exceeded/);
          assert.equal(pub.isClosed(), false);
          assert.equal(healthy.isClosed(), false);

          // What the kernel held arrives, then the end of the connection, without -ERR.
          slow.socket.resume();
          assert.equal(await slow.waitClosed(10_000), true);
          assert.doesNotMatch(slow.all().slice(-200), /-ERR/);
        } finally {
          slow.close();
          pub.close();
          await healthy.close();
        }
      });
    });
  });
}
