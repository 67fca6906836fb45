/**
 * HTTPS served by the gateway itself (docs/https.md), with certificates made here by openssl:
 * the app and the API over TLS with `Strict-Transport-Security`, sign-in and the stream over
 * `wss://`; plain HTTP redirecting (but `/readyz`) and refusing `ws://`; a certificate
 * replaced on disk served without a restart; a broken replacement kept out, the old one
 * still served and `/readyz` saying why; bad files refused at start.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { CertificateError, CertificateFiles, decode, encode, loadCertificate } from '../../src/kit/index.ts';
import { redirectToHttps } from '../../src/gateway/tls/index.ts';
import { useBroker } from '../support/broker.ts';
import { makeCerts, type TestCerts } from '../support/certs.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The served certificate's serial number. */
  serial: string;
}

describe('HTTPS served by the gateway', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('https');
  let first: TestCerts & { caPem: string };
  let second: TestCerts & { caPem: string };
  let h: InProcessHearth;
  let httpsUrl: string;
  const certFile = join(dir, 'fullchain.pem');
  const keyFile = join(dir, 'privkey.pem');

  /** A request over HTTPS trusting both test CAs, on a new connection (so a new certificate shows). */
  const tls = (path: string, o: { method?: string; body?: unknown; token?: string } = {}): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const body = o.body === undefined ? undefined : JSON.stringify(o.body);
      const req = request(`${httpsUrl}${path}`, {
        method: o.method ?? 'GET',
        ca: [first.caPem, second.caPem],
        agent: false,
        headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
      }, (res) => {
        const serial = (res.socket as TLSSocket).getPeerCertificate().serialNumber;
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text, serial }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const put = (c: TestCerts) => {
    copyFileSync(c.serverKey, keyFile);
    copyFileSync(c.serverCert, certFile);
  };

  before(async () => {
    first = withPem(makeCerts());
    second = withPem(makeCerts());
    put(first);
    h = await startInProcessHearth(broker().url, dir, (c) => {
      c.public_url = '';
      c.https.address = '127.0.0.1:0';
      c.https.cert_file = certFile;
      c.https.key_file = keyFile;
      c.https.check_every_s = 1;
    });
    httpsUrl = await waitFor('the HTTPS url', async () => {
      const msg = await h.nc.request('sys.health.gateway', encode({}), { timeout: 1000 });
      return (decode(msg.data) as { ok?: { info?: { https_url?: string } } }).ok?.info?.https_url || undefined;
    });
  });
  after(async () => {
    await h?.stop();
    first?.remove();
    second?.remove();
  });

  it('serves the API over TLS with Strict-Transport-Security, and the stream over wss://', async () => {
    const health = await tls('/healthz');
    assert.equal(health.status, 200);
    assert.equal(health.headers['strict-transport-security'], 'max-age=15552000');
    const email = 'ann@example.com';
    const password = 'Ann has a long password';
    const reg = await tls('/v1/auth/register', { method: 'POST', body: { email, password, displayName: 'Ann' } });
    assert.equal(reg.status, 201, reg.text);
    const login = await tls('/v1/auth/login', { method: 'POST', body: { email, password } });
    assert.equal(login.status, 200, login.text);
    const token = (JSON.parse(login.text) as { accessToken: string }).accessToken;
    // The issuer is the HTTPS address when public_url is not set.
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iss: string };
    assert.match(claims.iss, /^https:\/\/127\.0\.0\.1:/);
    const me = await tls('/v1/me', { token });
    assert.equal(me.status, 200, me.text);

    const ws = new WebSocket(`${httpsUrl.replace('https:', 'wss:')}/v1/stream`, { ca: [first.caPem, second.caPem], headers: { authorization: `Bearer ${token}` } });
    const firstMessage = await new Promise<{ type: string }>((resolve, reject) => {
      ws.once('message', (d) => resolve(JSON.parse(String(d)) as { type: string }));
      ws.once('error', reject);
    });
    assert.equal(firstMessage.type, 'ready');
    ws.close();
  });

  it('redirects plain HTTP to HTTPS, but /readyz and /healthz, and refuses ws://', async () => {
    const port = new URL(httpsUrl).port;
    const res = await fetch(`${h.url}/v1/instance?x=1`, { redirect: 'manual' });
    assert.equal(res.status, 308);
    assert.equal(res.headers.get('location'), `https://127.0.0.1:${port}/v1/instance?x=1`);
    assert.equal(res.headers.get('strict-transport-security'), null, 'HSTS is for HTTPS answers only');
    const page = await fetch(`${h.url}/`, { redirect: 'manual' });
    assert.equal(page.status, 308);
    for (const path of ['/healthz', '/readyz']) assert.equal((await fetch(`${h.url}${path}`, { redirect: 'manual' })).status, 200, path);
    // Kept on HTTP for ACME's HTTP-01 check (nothing answers it yet).
    assert.equal((await fetch(`${h.url}/.well-known/acme-challenge/token-1`, { redirect: 'manual' })).status, 404);
    const refused = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${h.url.replace('http:', 'ws:')}/v1/stream`);
      ws.once('unexpected-response', (_req, r) => resolve(r.statusCode!));
      ws.once('open', () => reject(new Error('a plain ws:// stream was opened')));
      ws.once('error', reject);
    });
    assert.equal(refused, 403);
  });

  it('serves a certificate replaced on disk without a restart, and keeps it when a broken one follows', async () => {
    const before = await tls('/healthz');
    const firstSerial = before.serial;
    put(second);
    await waitFor('the new certificate served', async () => (await tls('/healthz')).serial !== firstSerial);
    const ready = JSON.parse((await tls('/readyz')).text) as { https: { expiresAt: string; error?: string; subject: string } };
    assert.equal(ready.https.error, undefined);
    assert.ok(Date.parse(ready.https.expiresAt) > Date.now());
    const secondSerial = (await tls('/healthz')).serial;

    writeFileSync(certFile, '-----BEGIN CERTIFICATE-----\nnot one\n-----END CERTIFICATE-----\n');
    const why = await waitFor('/readyz to show the broken file', async () => {
      const r = JSON.parse((await tls('/readyz')).text) as { https: { error?: string } };
      return r.https.error;
    });
    assert.match(why, new RegExp(`${certFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const still = await tls('/healthz');
    assert.equal(still.status, 200);
    assert.equal(still.serial, secondSerial, 'the last good certificate is still served');
    // /readyz over plain HTTP says the same, and Hearth stays ready.
    const plain = await fetch(`${h.url}/readyz`);
    assert.equal(plain.status, 200);
    assert.match(((await plain.json()) as { https: { error: string } }).https.error, /holds no PEM certificate/);
    // Fixed again: the error goes.
    put(first);
    await waitFor('the fixed files loaded', async () => {
      const r = JSON.parse((await tls('/readyz')).text) as { https: { error?: string } };
      return r.https.error === undefined;
    });
  });

  it('drops a plain HTTP request sent to the HTTPS port, and keeps serving', async () => {
    const res = await fetch(httpsUrl.replace('https:', 'http:') + '/healthz').then((r) => r.status, () => 'refused');
    assert.notEqual(res, 200);
    assert.equal((await tls('/healthz')).status, 200);
  });

  it('redirects to public_url when it is an https URL, keeping path and query', async () => {
    const to = redirectToHttps(() => new Response('app'), { origin: 'https://hearth.example.home', httpsPort: () => 8443 });
    const res = await to(new Request('http://10.0.0.2:8080/v1/groups?x=1'), {});
    assert.equal(res.status, 308);
    assert.equal(res.headers.get('location'), 'https://hearth.example.home/v1/groups?x=1');
    const v6 = await redirectToHttps(() => new Response('app'), { httpsPort: () => 443 })(new Request('http://[::1]:8080/'), {});
    assert.equal(v6.headers.get('location'), 'https://[::1]/');
  });

  it('refuses bad files with an error naming the file', () => {
    const missing = join(dir, 'nope.pem');
    assert.throws(() => loadCertificate(missing, keyFile), (e: Error) => e instanceof CertificateError && e.message.includes(missing) && /does not exist/.test(e.message));
    assert.throws(() => loadCertificate(first.serverCert, second.serverKey), (e: Error) => e instanceof CertificateError && /does not match/.test(e.message));
    assert.throws(() => loadCertificate(first.serverKey, first.serverKey), /holds no PEM certificate/);
    assert.throws(() => loadCertificate(first.serverCert, first.serverCert), /holds no PEM private key/);
    assert.throws(() => loadCertificate(first.serverCert, first.serverKey, Date.now() + 3 * 86_400_000), /expired at/);
    const files = new CertificateFiles(first.serverCert, first.serverKey);
    assert.equal(files.check(), 'unchanged');
  });
});

function withPem(c: TestCerts): TestCerts & { caPem: string } {
  return Object.assign(c, { caPem: readFileSync(c.ca, 'utf8') });
}
