/**
 * TLS (issue #19): the core protocol over `tls://` and `wss://`, against every target.
 * Over TCP, NATS starts TLS in-band — INFO in clear with `tls_required`, then the client's
 * handshake on the same socket; over WebSocket, TLS comes first and the upgrade is inside
 * it. Client certificates are verified (`verify: true`): a certificate the CA signed is
 * accepted, none or a stranger's is refused; a client that does not trust the server's
 * certificate refuses it; a client speaking in clear, or never starting its handshake, is
 * closed; without `verify` the server sends its own certificate alone, as nats-server does.
 * Certificates are made at test time (tests/support/certs.ts). A representative
 * subset — pub/sub, request/reply, headers, auth — rather than the whole suite again.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ErrorCode, headers, StringCodec, type ConnectionOptions, type NatsConnection, type NatsError } from 'nats';
import { makeCerts } from '../support/certs.ts';
import { start, targets, type Running } from './targets.ts';
import { rawConnect } from './raw-client.ts';
import { getJson, SUITE_TIMEOUT, useBroker } from './support-broker.ts';
import { collect, readInfo, tcpClient } from './support-clients.ts';

const sc = StringCodec();
const certs = makeCerts();
after(() => certs.remove());

const brokerConf = `
host: 127.0.0.1
port: -1
http: "127.0.0.1:-1"
authorization { user: fam, password: "s3cret" }
tls { cert_file: "${certs.serverCert}", key_file: "${certs.serverKey}", ca_file: "${certs.ca}", verify: true, timeout: 1 }
websocket { host: 127.0.0.1, port: -1, tls { cert_file: "${certs.serverCert}", key_file: "${certs.serverKey}" } }
`;

const good = { caFile: certs.ca, certFile: certs.clientCert, keyFile: certs.clientKey };

function tlsClient(b: Running, opts: Partial<ConnectionOptions> = {}): Promise<NatsConnection> {
  return tcpClient(b, { servers: `tls://127.0.0.1:${b.port}`, user: 'fam', pass: 's3cret', tls: good, ...opts });
}

/** nats.ws over wss://, trusting the test CA (the `ws` package takes it; nats.ws passes no options). */
async function wssClient(b: Running): Promise<NatsConnection> {
  const { WebSocket } = await import('ws');
  const ca = readFileSync(certs.ca);
  class TrustingWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { ca });
    }
  }
  (globalThis as { WebSocket?: unknown }).WebSocket = TrustingWebSocket;
  const natsWs = await import('nats.ws');
  return natsWs.connect({ servers: `wss://127.0.0.1:${b.wsPort}`, user: 'fam', pass: 's3cret', reconnect: false, timeout: 2000 });
}

/** Publishes, subscribes, asks and answers, with headers, between `a` and `b`. */
async function exercise(a: NatsConnection, b: NatsConnection): Promise<void> {
  b.subscribe('svc.upper', { callback: (_e, m) => m.respond(sc.encode(sc.decode(m.data).toUpperCase())) });
  const sub = b.subscribe('evt.>');
  await b.flush();
  const h = headers();
  h.set('X-Trace', 'abc');
  a.publish('evt.chat.sent', sc.encode('hello'), { headers: h });
  const [m] = await collect(sub, 1);
  assert.equal(m!.subject, 'evt.chat.sent');
  assert.equal(sc.decode(m!.data), 'hello');
  assert.equal(m!.headers?.get('X-Trace'), 'abc');
  const reply = await a.request('svc.upper', sc.encode('over tls'), { timeout: 2000 });
  assert.equal(sc.decode(reply.data), 'OVER TLS');
}

for (const target of targets()) {
  describe(target.name, { skip: target.skip, timeout: SUITE_TIMEOUT }, () => {
    const broker = useBroker(target, brokerConf);

    it('writes the ports file with tls:// and wss:// URLs', () => {
      const ports = readFileSync(`${broker().dir}/nats-server_${broker().pid}.ports`, 'utf8');
      assert.match(ports, /"tls:\/\/127\.0\.0\.1:\d+"/);
      assert.match(ports, /"wss:\/\/127\.0\.0\.1:\d+"/);
    });

    it('greets in clear with tls_required and tls_verify', async () => {
      const c = await rawConnect(broker().port);
      try {
        const info = await readInfo(c);
        assert.equal(info.tls_required, true);
        assert.equal(info.tls_verify, true);
        assert.equal(info.auth_required, true);
      } finally {
        c.close();
      }
    });

    it('reports tls_required, tls_verify and tls_timeout in /varz', async () => {
      const { body } = await getJson(broker().httpPort!, '/varz');
      assert.equal(body.tls_required, true);
      assert.equal(body.tls_verify, true);
      assert.equal(body.tls_timeout, 1);
    });

    it('carries pub/sub, request/reply and headers over tls:// with a client certificate', async () => {
      const [a, b] = [await tlsClient(broker()), await tlsClient(broker())];
      try {
        assert.equal(a.info?.tls_required, true);
        await exercise(a, b);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('refuses a wrong password over TLS', async () => {
      await assert.rejects(tlsClient(broker(), { pass: 'nope' }), (e: NatsError) => e.code === ErrorCode.AuthorizationViolation);
    });

    it('refuses a client without a certificate, and one with a certificate no trusted CA signed', async () => {
      await assert.rejects(tlsClient(broker(), { tls: { caFile: certs.ca } }));
      await assert.rejects(tlsClient(broker(), { tls: { caFile: certs.ca, certFile: certs.strangerCert, keyFile: certs.strangerKey } }));
    });

    it('is refused by a client that does not trust its certificate', async () => {
      await assert.rejects(tlsClient(broker(), { tls: { certFile: certs.clientCert, keyFile: certs.clientKey } }), /self[- ]signed|unable to verify|certificate/i);
    });

    it('closes a client that speaks in clear after INFO, answering nothing', async () => {
      const c = await rawConnect(broker().port);
      try {
        await readInfo(c);
        c.write('CONNECT {"user":"fam","pass":"s3cret"}\r\nPING\r\n');
        assert.equal(await c.waitClosed(3000), true);
        assert.doesNotMatch(c.all(), /PONG|\+OK/);
      } finally {
        c.close();
      }
    });

    it('closes a client that never starts its handshake once the tls timeout passes', async () => {
      const c = await rawConnect(broker().port);
      try {
        await readInfo(c);
        const t0 = Date.now();
        assert.equal(await c.waitClosed(4000), true);
        const waited = Date.now() - t0;
        assert.ok(waited > 700 && waited < 3000, `closed after ${waited} ms; the timeout is 1 s`);
      } finally {
        c.close();
      }
    });

    it('does not start on a missing certificate file or a key that does not match it', async () => {
      for (const [cert, key] of [[`${certs.dir}/missing.pem`, certs.serverKey], [certs.serverCert, certs.clientKey]]) {
        await assert.rejects(start(target, `port: -1\ntls { cert_file: "${cert}", key_file: "${key}" }\n`), /exited with 1:[^]*(missing\.pem|key values mismatch|does not match)/i);
      }
    });

    it('takes TLS from --tlscert, --tlskey, --tlscacert and --tlsverify', async () => {
      const b = await start(target, 'host: 127.0.0.1\nport: -1\n', ['--tlscert', certs.serverCert, '--tlskey', certs.serverKey, '--tlscacert', certs.ca, '--tlsverify']);
      try {
        const c = await rawConnect(b.port);
        const info = await readInfo(c);
        c.close();
        assert.equal(info.tls_required, true);
        assert.equal(info.tls_verify, true);
        const nc = await tcpClient(b, { servers: `tls://127.0.0.1:${b.port}`, tls: good });
        await nc.close();
      } finally {
        await b.stop();
      }
    });

    // nats.js 2.29.3's own suite ("tls - available connects with or without") asserts this
    // message: the broker used to send ca_file's CA after its certificate, and a client that
    // did not trust it read "self-signed certificate in certificate chain" instead.
    it('sends only the certificate in cert_file, not the CA of ca_file, when verify is off', async () => {
      const b = await start(target, `host: 127.0.0.1\nport: -1\ntls { cert_file: "${certs.serverCert}", key_file: "${certs.serverKey}", ca_file: "${certs.ca}" }\n`);
      try {
        await assert.rejects(tcpClient(b, { servers: `tls://127.0.0.1:${b.port}`, tls: {} }), (e: Error) => {
          assert.equal(e.message, 'unable to verify the first certificate');
          return true;
        });
        const nc = await tcpClient(b, { servers: `tls://127.0.0.1:${b.port}`, tls: { caFile: certs.ca } });
        await nc.close();
      } finally {
        await b.stop();
      }
    });

    it('carries pub/sub, request/reply and headers over wss://, whose INFO says tls_required', async () => {
      const [a, b] = [await wssClient(broker()), await tlsClient(broker())];
      try {
        assert.equal(a.info?.tls_required, true);
        await exercise(a, b);
        await exercise(b, a);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}
