/**
 * WebSocket clients (issue item 6): nats.ws connects on any path, talks to TCP clients
 * in both directions (pub/sub, request/reply, headers), and permessage-deflate is agreed
 * exactly when the websocket block turns compression on.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import WebSocket from 'ws';
import { headers, StringCodec } from 'nats';
import { conf, targets } from './targets.ts';
import { SUITE_TIMEOUT, useBroker, within } from './support-broker.ts';
import { collect, tcpClient, wsClient } from './support-clients.ts';

const sc = StringCodec();

const compressedConf = `host: 127.0.0.1
port: -1
http: "127.0.0.1:-1"
websocket { host: 127.0.0.1, port: -1, no_tls: true, compression: true }
`;

/** Opens a plain `ws` WebSocket and returns the extensions agreed and the first message. */
async function handshake(url: string): Promise<{ extensions: string; first: string }> {
  const ws = new WebSocket(url, { perMessageDeflate: true });
  try {
    const first = once(ws, 'message');
    await once(ws, 'open');
    const got = (await within(first, 1000, undefined)) as [Buffer] | undefined;
    if (!got) throw new Error('no first message within 1 s');
    return { extensions: ws.extensions, first: got[0].toString('latin1') };
  } finally {
    ws.terminate();
  }
}

for (const target of targets()) {
  describe(target.name, { skip: target.skip, timeout: SUITE_TIMEOUT }, () => {
    describe('with compression', () => {
      const broker = useBroker(target, compressedConf);

      for (const path of ['', '/', '/any/path?x=1']) {
        it(`lets nats.ws connect on path ${JSON.stringify(path || '(none)')}`, async () => {
          const nc = await wsClient(broker(), {}, path);
          try {
            assert.equal(nc.info?.headers, true);
            await nc.flush();
          } finally {
            await nc.close();
          }
        });
      }

      it('agrees permessage-deflate and sends INFO as the first message', async () => {
        const { extensions, first } = await handshake(broker().wsUrl!);
        assert.match(extensions, /permessage-deflate/);
        assert.match(first, /^INFO \{.*\} ?\r\n$/);
      });

      it('carries pub/sub both ways between a TCP and a WebSocket client', async () => {
        const tcp = await tcpClient(broker());
        const ws = await wsClient(broker());
        try {
          const onWs = ws.subscribe('x.to.ws');
          const onTcp = tcp.subscribe('x.to.tcp');
          await Promise.all([ws.flush(), tcp.flush()]);
          tcp.publish('x.to.ws', sc.encode('from tcp'));
          ws.publish('x.to.tcp', sc.encode('from ws'));
          assert.equal(sc.decode((await collect(onWs, 1))[0]!.data), 'from tcp');
          assert.equal(sc.decode((await collect(onTcp, 1))[0]!.data), 'from ws');
        } finally {
          await tcp.close();
          await ws.close();
        }
      });

      it('carries request/reply both ways between a TCP and a WebSocket client', async () => {
        const tcp = await tcpClient(broker());
        const ws = await wsClient(broker());
        try {
          tcp.subscribe('svc.tcp', { callback: (_e, m) => m.respond(sc.encode(`tcp:${sc.decode(m.data)}`)) });
          ws.subscribe('svc.ws', { callback: (_e, m) => m.respond(sc.encode(`ws:${sc.decode(m.data)}`)) });
          await Promise.all([ws.flush(), tcp.flush()]);
          assert.equal(sc.decode((await ws.request('svc.tcp', sc.encode('a'), { timeout: 1000 })).data), 'tcp:a');
          assert.equal(sc.decode((await tcp.request('svc.ws', sc.encode('b'), { timeout: 1000 })).data), 'ws:b');
        } finally {
          await tcp.close();
          await ws.close();
        }
      });

      it('carries headers and a large compressible payload from WebSocket to TCP intact', async () => {
        const tcp = await tcpClient(broker());
        const ws = await wsClient(broker());
        try {
          const sub = tcp.subscribe('ws.big');
          await tcp.flush();
          const h = headers();
          h.append('X-Multi', '1');
          h.append('X-Multi', '2');
          const big = sc.encode('compress me '.repeat(20_000));
          ws.publish('ws.big', big, { headers: h });
          const [m] = await collect(sub, 1);
          assert.deepEqual(m!.headers?.values('X-Multi'), ['1', '2']);
          assert.equal(Buffer.compare(Buffer.from(m!.data), Buffer.from(big)), 0);
        } finally {
          await tcp.close();
          await ws.close();
        }
      });

      it('answers a WebSocket request nobody listens to with NoResponders', async () => {
        const ws = await wsClient(broker());
        try {
          await assert.rejects(ws.request('ws.nobody', sc.encode('?'), { timeout: 1000 }), /503/);
        } finally {
          await ws.close();
        }
      });
    });

    describe('without compression', () => {
      const broker = useBroker(target, conf());

      it('does not agree permessage-deflate when compression is off', async () => {
        const { extensions, first } = await handshake(broker().wsUrl!);
        assert.doesNotMatch(extensions, /permessage-deflate/);
        assert.match(first, /^INFO /);
      });

      it('still carries messages from a WebSocket to a TCP client', async () => {
        const tcp = await tcpClient(broker());
        const ws = await wsClient(broker());
        try {
          const sub = tcp.subscribe('plain.ws');
          await tcp.flush();
          ws.publish('plain.ws', sc.encode('uncompressed'));
          assert.equal(sc.decode((await collect(sub, 1))[0]!.data), 'uncompressed');
        } finally {
          await tcp.close();
          await ws.close();
        }
      });
    });
  });
}
