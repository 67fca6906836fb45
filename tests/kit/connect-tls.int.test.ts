/**
 * The kit's broker connection over TLS (issue #19), against the embedded broker in this
 * process: `tls://` with a CA and a client certificate connects; a `tls://` URL never
 * falls back to plain TCP, even though nats.js reads `tls://` as `nats://`; the
 * `broker.tls` files are refused where they cannot apply.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger, startBroker, type Broker } from '../../embedded-broker/index.ts';
import { connectBroker, tcpTls } from '../../src/kit/index.ts';
import { makeCerts } from '../support/certs.ts';

const quiet = createLogger({ debug: false, trace: false, quiet: true });

describe('connectBroker over TLS', () => {
  const certs = makeCerts();
  let secure: Broker;
  let plain: Broker;
  before(async () => {
    secure = await startBroker({ port: -1, tls: { certFile: certs.serverCert, keyFile: certs.serverKey, caFile: certs.ca, verify: true, timeout: 2000 } }, quiet);
    plain = await startBroker({ port: -1 }, quiet);
  });
  after(async () => {
    await secure.close();
    await plain.close();
    certs.remove();
  });

  it('connects to tls:// with the CA and a client certificate', async () => {
    assert.match(secure.url, /^tls:\/\//);
    const nc = await connectBroker({ url: secure.url, name: 't', tls: { caFile: certs.ca, certFile: certs.clientCert, keyFile: certs.clientKey } });
    try {
      assert.equal(nc.info?.tls_required, true);
      const sub = nc.subscribe('ping', { max: 1, callback: (_e, m) => m.respond(m.data) });
      assert.equal(new TextDecoder().decode((await nc.request('ping', new TextEncoder().encode('pong'))).data), 'pong');
      sub.unsubscribe();
    } finally {
      await nc.close();
    }
  });

  it('refuses a broker without TLS behind a tls:// URL or with broker.tls files', async () => {
    const port = plain.url.split(':').at(-1);
    await assert.rejects(connectBroker({ url: `tls://127.0.0.1:${port}`, name: 't', connectTimeoutMs: 2000 }), /tls/i);
    await assert.rejects(connectBroker({ url: plain.url, name: 't', connectTimeoutMs: 2000, tls: { caFile: certs.ca } }), /tls/i);
  });

  it('says which broker.tls files go together, and that they do not apply to wss://', async () => {
    assert.throws(() => tcpTls({ url: 'tls://a:4222', tls: { certFile: 'c.pem' } }), /cert_file and broker\.tls\.key_file go together/);
    await assert.rejects(connectBroker({ url: 'wss://a:443', name: 't', tls: { caFile: 'ca.pem' } }), /broker\.tls files apply to tls:\/\/ URLs/);
  });

  it('asks for TLS only when a URL or a file says so', () => {
    assert.equal(tcpTls({ url: 'nats://a:4222', tls: { caFile: '', certFile: '', keyFile: '' } }), undefined);
    assert.deepEqual(tcpTls({ url: 'nats://a:4222, tls://b:4222' }), {});
    assert.deepEqual(tcpTls({ url: 'nats://a:4222', tls: { caFile: 'ca.pem', certFile: '' } }), { caFile: 'ca.pem' });
  });
});
