/**
 * Core protocol conformance (issue item 1): the INFO greeting, CONNECT options, the
 * PUB/HPUB/SUB/UNSUB/PING operations and their MSG/HMSG/PONG answers, as bytes on the
 * wire. Run against every target; nats-server 2.9.10 is the reference.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { conf, targets } from './targets.ts';
import { rawConnect, rawReady } from './raw-client.ts';
import { getJson, SUITE_TIMEOUT, useBroker } from './support-broker.ts';
import { readInfo } from './support-clients.ts';
import { sleep } from '../support/poll.ts';

for (const target of targets()) {
  describe(target.name, { skip: target.skip, timeout: SUITE_TIMEOUT }, () => {
    const broker = useBroker(target, conf());

    it('greets with an INFO line carrying the fields nats-server sends', async () => {
      const c = await rawConnect(broker().port);
      try {
        const info = await readInfo(c);
        assert.equal(typeof info.server_id, 'string');
        assert.ok((info.server_id as string).length > 0);
        assert.equal(typeof info.server_name, 'string');
        assert.match(info.version as string, /^\d+\.\d+\.\d+/);
        assert.equal(info.proto, 1);
        assert.equal(info.headers, true);
        assert.equal(info.max_payload, 1048576);
        assert.equal(info.host, '127.0.0.1');
        assert.equal(info.port, broker().port);
        assert.ok(Number.isInteger(info.client_id) && (info.client_id as number) > 0);
        assert.equal(info.client_ip, '127.0.0.1');
        // nats-server omits these (omitempty) when there is no auth and no cluster: a single
        // server has no other URLs to advertise.
        for (const absent of ['auth_required', 'nonce', 'connect_urls', 'ws_connect_urls', 'ldm', 'tls_required']) {
          assert.equal(absent in info, false, `INFO should not carry ${absent}`);
        }
      } finally {
        c.close();
      }
    });

    it('gives every connection a new, increasing client_id', async () => {
      // nats-server numbers a connection in its own goroutine, so two connections opened at
      // once may be numbered in either order; open the second after the first is greeted.
      const a = await rawConnect(broker().port);
      const ia = await readInfo(a);
      const b = await rawConnect(broker().port);
      try {
        const ib = await readInfo(b);
        assert.ok((ib.client_id as number) > (ia.client_id as number));
      } finally {
        a.close();
        b.close();
      }
    });

    it('answers +OK after CONNECT, SUB, PUB, HPUB and UNSUB in verbose mode, but PING only with PONG', async () => {
      const c = await rawConnect(broker().port);
      try {
        await readInfo(c);
        c.write('CONNECT {"verbose":true,"pedantic":false,"headers":true,"protocol":1}\r\n');
        assert.equal(await c.readUntil('\r\n'), '+OK\r\n');
        c.write('SUB foo 1\r\n');
        assert.equal(await c.readUntil('\r\n'), '+OK\r\n');
        c.write('PUB foo 2\r\nhi\r\n');
        assert.equal(await c.readUntil('hi\r\n'), '+OK\r\nMSG foo 1 2\r\nhi\r\n');
        c.write('HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n');
        assert.equal(await c.readUntil('hi\r\n'), '+OK\r\nHMSG foo 1 12 14\r\nNATS/1.0\r\n\r\nhi\r\n');
        c.write('UNSUB 1\r\n');
        assert.equal(await c.readUntil('\r\n'), '+OK\r\n');
        c.write('PING\r\n');
        assert.equal(await c.readUntil('\r\n'), 'PONG\r\n');
        assert.equal(await c.drain(100), '');
      } finally {
        c.close();
      }
    });

    it('delivers PUB as MSG with the reply subject and exact payload bytes', async () => {
      const c = await rawReady(broker().port);
      try {
        c.write('SUB greet.one 7\r\nPUB greet.one reply.here 12\r\nhello\r\nworld\r\nPUB greet.one 0\r\n\r\nPING\r\n');
        const got = await c.readUntil('PONG\r\n');
        assert.equal(got, 'MSG greet.one 7 reply.here 12\r\nhello\r\nworld\r\nMSG greet.one 7 0\r\n\r\nPONG\r\n');
      } finally {
        c.close();
      }
    });

    it('delivers HPUB as HMSG with header and total sizes and the reply subject', async () => {
      const c = await rawReady(broker().port);
      try {
        const hdr = 'NATS/1.0\r\nX-Id: 42\r\n\r\n';
        c.write(`SUB h.one 3\r\nHPUB h.one rep ${hdr.length} ${hdr.length + 3}\r\n${hdr}abc\r\nPING\r\n`);
        const got = await c.readUntil('PONG\r\n');
        assert.equal(got, `HMSG h.one 3 rep ${hdr.length} ${hdr.length + 3}\r\n${hdr}abc\r\nPONG\r\n`);
      } finally {
        c.close();
      }
    });

    it('stops delivering after UNSUB', async () => {
      const c = await rawReady(broker().port);
      try {
        c.write('SUB u.one 1\r\nPUB u.one 1\r\na\r\nUNSUB 1\r\nPUB u.one 1\r\nb\r\nPING\r\n');
        assert.equal(await c.readUntil('PONG\r\n'), 'MSG u.one 1 1\r\na\r\nPONG\r\n');
      } finally {
        c.close();
      }
    });

    it('auto-unsubscribes after the max given to UNSUB', async () => {
      const c = await rawReady(broker().port);
      try {
        c.write('SUB u.max 7\r\nUNSUB 7 2\r\n');
        for (const p of ['a', 'b', 'c', 'd']) c.write(`PUB u.max 1\r\n${p}\r\n`);
        c.write('PING\r\n');
        assert.equal(await c.readUntil('PONG\r\n'), 'MSG u.max 7 1\r\na\r\nMSG u.max 7 1\r\nb\r\nPONG\r\n');
      } finally {
        c.close();
      }
    });

    it('answers PING with PONG before and after CONNECT', async () => {
      const c = await rawConnect(broker().port);
      try {
        await readInfo(c);
        c.write('PING\r\n');
        assert.equal(await c.readUntil('\r\n'), 'PONG\r\n');
        c.write('CONNECT {"verbose":false}\r\nPING\r\n');
        assert.equal(await c.readUntil('\r\n'), 'PONG\r\n');
      } finally {
        c.close();
      }
    });

    it('accepts operation names in any letter case', async () => {
      const c = await rawConnect(broker().port);
      try {
        await readInfo(c);
        c.write('connect {"verbose":false,"headers":true}\r\nSub lc 1\r\npub lc 2\r\nok\r\n');
        c.write('hPuB lc 12 14\r\nNATS/1.0\r\n\r\nhi\r\nuNsUb 1\r\nPUB lc 1\r\nx\r\npIng\r\n');
        assert.equal(await c.readUntil('PONG\r\n'), 'MSG lc 1 2\r\nok\r\nHMSG lc 1 12 14\r\nNATS/1.0\r\n\r\nhi\r\nPONG\r\n');
      } finally {
        c.close();
      }
    });

    it('parses operations sent one byte per write', async () => {
      const c = await rawConnect(broker().port);
      try {
        c.socket.setNoDelay(true);
        await readInfo(c);
        const stream =
          'CONNECT {"verbose":false,"headers":true}\r\nSUB split.it 9\r\nPUB split.it r 5\r\nhello\r\n' +
          'HPUB split.it 18 20\r\nNATS/1.0\r\nA: b\r\n\r\nyo\r\nPING\r\n';
        for (const ch of stream) {
          c.write(ch);
          // A timer turn between bytes makes each one its own TCP segment.
          await sleep(1);
        }
        assert.equal(
          await c.readUntil('PONG\r\n', 2000),
          'MSG split.it 9 r 5\r\nhello\r\nHMSG split.it 9 18 20\r\nNATS/1.0\r\nA: b\r\n\r\nyo\r\nPONG\r\n',
        );
      } finally {
        c.close();
      }
    });

    it('with echo off, does not deliver a connection its own messages but delivers them to others', async () => {
      const self = await rawReady(broker().port, { echo: false });
      const other = await rawReady(broker().port);
      try {
        other.write('SUB echo.t 1\r\nPING\r\n');
        await other.readUntil('PONG\r\n');
        self.write('SUB echo.t 1\r\nPUB echo.t 2\r\nme\r\nPING\r\n');
        assert.equal(await self.readUntil('PONG\r\n'), 'PONG\r\n');
        assert.equal(await other.readUntil('me\r\n'), 'MSG echo.t 1 2\r\nme\r\n');
      } finally {
        self.close();
        other.close();
      }
    });

    it('in pedantic mode, answers a publish to a wildcard subject with Invalid Publish Subject and stays connected', async () => {
      const c = await rawReady(broker().port, { pedantic: true });
      try {
        c.write('PUB ped.* 2\r\nhi\r\nPING\r\n');
        assert.equal(await c.readUntil('PONG\r\n'), "-ERR 'Invalid Publish Subject'\r\nPONG\r\n");
        assert.equal(c.isClosed(), false);
      } finally {
        c.close();
      }
    });

    it('outside pedantic mode, accepts a publish to a wildcard subject silently', async () => {
      const c = await rawReady(broker().port);
      try {
        c.write('PUB ped.* 2\r\nhi\r\nPING\r\n');
        assert.equal(await c.readUntil('PONG\r\n'), 'PONG\r\n');
      } finally {
        c.close();
      }
    });

    it('strips the headers for a subscriber that did not ask for them', async () => {
      const plain = await rawReady(broker().port, { headers: false });
      const pub = await rawReady(broker().port);
      try {
        plain.write('SUB strip.me 4\r\nPING\r\n');
        await plain.readUntil('PONG\r\n');
        pub.write('HPUB strip.me 18 23\r\nNATS/1.0\r\nA: b\r\n\r\nhello\r\nPING\r\n');
        await pub.readUntil('PONG\r\n');
        assert.equal(await plain.readUntil('hello\r\n'), 'MSG strip.me 4 5\r\nhello\r\n');
      } finally {
        plain.close();
        pub.close();
      }
    });

    it('shows the name, lang and version given in CONNECT in /connz', async () => {
      const c = await rawConnect(broker().port);
      try {
        const info = await readInfo(c);
        c.write('CONNECT {"verbose":false,"name":"conformance-raw","lang":"raw-ts","version":"9.9.9"}\r\nPING\r\n');
        await c.readUntil('PONG\r\n');
        const { body } = await getJson<{ connections: Record<string, unknown>[] }>(broker().httpPort!, `/connz?cid=${info.client_id}`);
        assert.equal(body.connections.length, 1);
        const conn = body.connections[0]!;
        assert.equal(conn.cid, info.client_id);
        assert.equal(conn.name, 'conformance-raw');
        assert.equal(conn.lang, 'raw-ts');
        assert.equal(conn.version, '9.9.9');
      } finally {
        c.close();
      }
    });
  });
}
