/**
 * Message headers and no-responders (issue item 2): the NATS/1.0 header block passes
 * through byte for byte (repeated keys and status lines included), and a request nobody
 * listens to is answered with a 503 status for clients that asked for it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, headers, StringCodec, type NatsError } from 'nats';
import { conf, targets } from './targets.ts';
import { rawConnect, rawReady } from './raw-client.ts';
import { SUITE_TIMEOUT, useBroker } from './support-broker.ts';
import { collect, tcpClient } from './support-clients.ts';

const sc = StringCodec();

for (const target of targets()) {
  describe(target.name, { skip: target.skip, timeout: SUITE_TIMEOUT }, () => {
    const broker = useBroker(target, conf());

    it('passes a header block with repeated keys and a status line through unchanged', async () => {
      const sub = await rawReady(broker().port);
      const pub = await rawReady(broker().port);
      try {
        sub.write('SUB hdr.raw 1\r\nPING\r\n');
        await sub.readUntil('PONG\r\n');
        for (const hdr of [
          'NATS/1.0\r\nX-Multi: one\r\nX-Multi: two\r\nx-multi: three\r\n\r\n',
          'NATS/1.0 503\r\n\r\n',
          'NATS/1.0 404 No Messages\r\nNats-Pending: 0\r\n\r\n',
        ]) {
          pub.write(`HPUB hdr.raw ${hdr.length} ${hdr.length + 4}\r\n${hdr}body\r\n`);
          assert.equal(await sub.readUntil('body\r\n'), `HMSG hdr.raw 1 ${hdr.length} ${hdr.length + 4}\r\n${hdr}body\r\n`);
        }
      } finally {
        sub.close();
        pub.close();
      }
    });

    it('keeps every value of a repeated header key between two nats clients', async () => {
      const a = await tcpClient(broker());
      const b = await tcpClient(broker());
      try {
        const sub = b.subscribe('hdr.client');
        await b.flush();
        const h = headers();
        h.append('X-Multi', 'first');
        h.append('X-Multi', 'second');
        h.set('X-Single', 'only');
        a.publish('hdr.client', sc.encode('payload'), { headers: h });
        const [m] = await collect(sub, 1);
        assert.deepEqual(m!.headers?.values('X-Multi'), ['first', 'second']);
        assert.equal(m!.headers?.get('X-Single'), 'only');
        assert.equal(sc.decode(m!.data), 'payload');
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('delivers a status-only header to a nats client with its code and description', async () => {
      const raw = await rawReady(broker().port);
      const nc = await tcpClient(broker());
      try {
        const sub = nc.subscribe('hdr.status');
        await nc.flush();
        const hdr = 'NATS/1.0 408 Request Timeout\r\n\r\n';
        raw.write(`HPUB hdr.status ${hdr.length} ${hdr.length}\r\n${hdr}\r\n`);
        const [m] = await collect(sub, 1);
        assert.equal(m!.headers?.code, 408);
        assert.equal(m!.headers?.description, 'Request Timeout');
        assert.equal(m!.data.length, 0);
      } finally {
        raw.close();
        await nc.close();
      }
    });

    it('answers a request to a subject without subscribers with an HMSG carrying NATS/1.0 503', async () => {
      const c = await rawReady(broker().port, { headers: true, no_responders: true });
      try {
        c.write('SUB _INBOX.nr 1\r\nPUB nobody.listens _INBOX.nr 2\r\nhi\r\n');
        assert.equal(await c.readUntil('\r\n\r\n\r\n'), 'HMSG _INBOX.nr 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\n');
      } finally {
        c.close();
      }
    });

    it('sends no 503 to a client that did not ask for no_responders', async () => {
      const c = await rawReady(broker().port, { headers: true, no_responders: false });
      try {
        c.write('SUB _INBOX.nr 1\r\nPUB nobody.listens _INBOX.nr 2\r\nhi\r\nPING\r\n');
        assert.equal(await c.readUntil('PONG\r\n'), 'PONG\r\n');
        assert.equal(await c.drain(150), '');
      } finally {
        c.close();
      }
    });

    it('rejects a nats client request nobody listens to with a NoResponders error, well before the timeout', async () => {
      const nc = await tcpClient(broker());
      try {
        const t0 = Date.now();
        await assert.rejects(nc.request('nobody.home', sc.encode('?'), { timeout: 2000 }), (e: NatsError) => {
          assert.equal(e.code, ErrorCode.NoResponders);
          return true;
        });
        assert.ok(Date.now() - t0 < 1000, 'the 503 should come from the broker, not the client timeout');
      } finally {
        await nc.close();
      }
    });

    it('refuses no_responders without headers with an -ERR and closes the connection', async () => {
      const c = await rawConnect(broker().port);
      try {
        await c.readUntil(/INFO .*\r\n/);
        c.write('CONNECT {"verbose":false,"headers":false,"no_responders":true}\r\n');
        assert.equal(await c.readUntil('\r\n'), "-ERR 'no responders requires headers support'\r\n");
        assert.equal(await c.waitClosed(1000), true);
      } finally {
        c.close();
      }
    });

    it('closes a connection that sends HPUB without having asked for headers', async () => {
      const c = await rawReady(broker().port, { headers: false });
      try {
        c.write('HPUB no.hdrs 12 14\r\nNATS/1.0\r\n\r\nhi\r\n');
        assert.equal(await c.waitClosed(1000), true);
        // nats-server drops the connection without an -ERR (ErrMsgHeadersNotSupported).
        // Anchored: the random server_id in INFO may itself contain "MSG".
        assert.doesNotMatch(c.all(), /(^|\r\n)MSG /);
      } finally {
        c.close();
      }
    });
  });
}
