/**
 * Subject matching (issue item 3): `*` and `>` wildcards, invalid subscription subjects,
 * queue groups (every plain subscriber gets each message, exactly one member of each
 * group does) and echo off.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StringCodec, type NatsConnection } from 'nats';
import { conf, targets } from './targets.ts';
import { rawReady } from './raw-client.ts';
import { SUITE_TIMEOUT, useBroker } from './support-broker.ts';
import { collect, counter, tcpClient } from './support-clients.ts';
import { sleep, waitFor } from '../support/poll.ts';

const sc = StringCodec();

/** The `subject sid` pairs of every MSG in `text`, sorted. */
function deliveries(text: string): string[] {
  return [...text.matchAll(/^MSG (\S+) (\S+) \d+\r\n/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
}

for (const target of targets()) {
  describe(target.name, { skip: target.skip, timeout: SUITE_TIMEOUT }, () => {
    const broker = useBroker(target, conf());

    it('matches * to exactly one token and > to one or more trailing tokens', async () => {
      const c = await rawReady(broker().port);
      try {
        c.write('SUB wc.* 1\r\nSUB wc.> 2\r\nSUB wc.*.c 3\r\nSUB *.*.c 4\r\nSUB > 5\r\nSUB wc 6\r\n');
        for (const s of ['wc', 'wc.a', 'wc.a.b', 'wc.a.c', 'other.x.c']) c.write(`PUB ${s} 1\r\nx\r\n`);
        c.write('PING\r\n');
        const got = deliveries(await c.readUntil('PONG\r\n'));
        const want = [
          'wc 5', 'wc 6',
          'wc.a 1', 'wc.a 2', 'wc.a 5',
          'wc.a.b 2', 'wc.a.b 5',
          'wc.a.c 2', 'wc.a.c 3', 'wc.a.c 4', 'wc.a.c 5',
          'other.x.c 4', 'other.x.c 5',
        ].sort();
        assert.deepEqual(got, want);
      } finally {
        c.close();
      }
    });

    it('treats a token that merely contains * or > as a literal', async () => {
      const c = await rawReady(broker().port);
      try {
        c.write('SUB lit.a* 1\r\nPUB lit.ab 1\r\nx\r\nPUB lit.a* 1\r\ny\r\nPING\r\n');
        assert.equal(await c.readUntil('PONG\r\n'), 'MSG lit.a* 1 1\r\ny\r\nPONG\r\n');
      } finally {
        c.close();
      }
    });

    for (const bad of ['foo..bar', 'foo.>.bar', '.foo', 'foo.', '>.foo']) {
      it(`answers SUB ${bad} with -ERR 'Invalid Subject' and keeps the connection usable`, async () => {
        const c = await rawReady(broker().port);
        try {
          c.write(`SUB ${bad} 1\r\nPING\r\n`);
          assert.equal(await c.readUntil('PONG\r\n'), "-ERR 'Invalid Subject'\r\nPONG\r\n");
          // The sid was not taken by the failed subscription.
          c.write('SUB still.ok 1\r\nPUB still.ok 2\r\nok\r\nPING\r\n');
          assert.equal(await c.readUntil('PONG\r\n'), 'MSG still.ok 1 2\r\nok\r\nPONG\r\n');
          assert.equal(c.isClosed(), false);
        } finally {
          c.close();
        }
      });
    }

    it('gives each message to every plain subscriber and to exactly one member of each queue group', async () => {
      const conns: NatsConnection[] = [];
      try {
        for (let i = 0; i < 8; i++) conns.push(await tcpClient(broker()));
        const [pub, p1, p2, a1, a2, a3, b1, b2] = conns as [NatsConnection, ...NatsConnection[]];
        const plain = [p1!.subscribe('qg.*'), p2!.subscribe('qg.work')].map(counter);
        const groupA = [a1!, a2!, a3!].map((nc) => counter(nc.subscribe('qg.work', { queue: 'A' })));
        const groupB = [b1!, b2!].map((nc) => counter(nc.subscribe('qg.*', { queue: 'B' })));
        await Promise.all(conns.map((nc) => nc.flush()));

        const n = 100;
        for (let i = 0; i < n; i++) pub.publish('qg.work', sc.encode(String(i)));
        await pub.flush();

        const sum = (cs: { count(): number }[]) => cs.reduce((s, c) => s + c.count(), 0);
        await waitFor('all deliveries', () => plain.every((c) => c.count() === n) && sum(groupA) === n && sum(groupB) === n, 2000);
        // Nothing more may trickle in after the totals were reached.
        await sleep(150);
        assert.deepEqual(plain.map((c) => c.count()), [n, n]);
        assert.equal(sum(groupA), n);
        assert.equal(sum(groupB), n);
        // Members share the load (nats-server picks a member at random for each message).
        for (const c of [...groupA, ...groupB]) assert.ok(c.count() > 0, 'every queue member should get some messages');
      } finally {
        await Promise.all(conns.map((nc) => nc.close()));
      }
    });

    it('delivers queue-group messages once across members on the same connection', async () => {
      const c = await rawReady(broker().port);
      try {
        c.write('SUB qs.one grp 1\r\nSUB qs.one grp 2\r\nSUB qs.one 3\r\n');
        for (let i = 0; i < 10; i++) c.write(`PUB qs.one 1\r\n${i % 10}\r\n`);
        c.write('PING\r\n');
        const got = deliveries(await c.readUntil('PONG\r\n'));
        assert.equal(got.filter((d) => d === 'qs.one 3').length, 10);
        assert.equal(got.filter((d) => d === 'qs.one 1' || d === 'qs.one 2').length, 10);
      } finally {
        c.close();
      }
    });

    it('with noEcho, a nats client does not receive its own messages while others do', async () => {
      const self = await tcpClient(broker(), { noEcho: true });
      const other = await tcpClient(broker());
      try {
        const mine = counter(self.subscribe('echo.off'));
        const theirs = other.subscribe('echo.off');
        await Promise.all([self.flush(), other.flush()]);
        self.publish('echo.off', sc.encode('from self'));
        const [m] = await collect(theirs, 1);
        assert.equal(sc.decode(m!.data), 'from self');
        await self.flush();
        await sleep(100);
        assert.equal(mine.count(), 0);
      } finally {
        await self.close();
        await other.close();
      }
    });
  });
}
