/**
 * HTTPS with a certificate over ACME (`https.domain`, docs/https.md), against Debian's real
 * `pebble` on loopback: while the directory cannot be reached, HTTP keeps serving the app and
 * `/readyz` says why; once pebble is up, it checks the HTTP-01 challenge on Hearth's own HTTP
 * port, issues a certificate, and HTTPS serves it (HTTP then redirects). After a restart with a
 * stored certificate two-thirds through its lifetime, Hearth serves that one at once and
 * renews it without another restart. One appliance, one pebble.
 */
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { makeCerts, type TestCerts } from '../support/certs.ts';
import { writeTestConfig } from '../support/config.ts';
import { bannerOf, spawnHearth } from '../support/hearth-process.ts';
import { freePort } from '../support/net.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT } from '../support/test-file.ts';

const PEBBLE = ['/usr/bin/pebble', '/usr/local/bin/pebble'].find((p) => existsSync(p));

interface Ready {
  status: string;
  https?: { domain: string; subject?: string; expiresAt?: string; renewAt?: string; error?: string };
}

describe('HTTPS over ACME (pebble)', { timeout: FILE_TIMEOUT * 2, skip: PEBBLE ? undefined : 'pebble is not installed (apt-get install pebble)' }, () => {
  let certs: TestCerts;
  let pebble: ChildProcess | undefined;
  before(() => void (certs = makeCerts()));
  after(() => (pebble?.kill(), certs?.remove()));

  it('keeps HTTP working while the CA is unreachable, then obtains, serves and renews a certificate', async () => {
    const acmePort = await freePort();
    const mgmtPort = await freePort();
    const httpPort = await freePort();
    const httpsPort = await freePort();
    const c = writeTestConfig(`http: "127.0.0.1:${httpPort}"
https { address: "127.0.0.1:${httpsPort}", domain: "localhost", acme_email: "owner@example.com", acme_directory: "https://localhost:${acmePort}/dir", acme_ca_file: "${certs.ca}", acme_check_every_s: 1 }
users { registration: "open" }`, { builtIn: true });
    let h = spawnHearth('node', ['serve', '--config', c.file]);
    try {
      const { http } = await bannerOf(h);
      // No CA yet: HTTP serves the app (no redirect to a port nobody listens on), /readyz says why.
      const failing = await waitFor('the ACME failure in /readyz', async () => {
        const r = (await (await fetch(`${http}/readyz`)).json()) as Ready;
        return r.https?.error ? r : undefined;
      }, { timeoutMs: 20_000, state: () => h.output().slice(-3000) });
      assert.equal(failing.status, 'ready');
      assert.match(failing.https!.error!, new RegExp(`^could not obtain a certificate for localhost from https://localhost:${acmePort}/dir: .*ECONNREFUSED`));
      assert.equal(failing.https!.expiresAt, undefined);
      assert.equal((await fetch(`${http}/v1/instance`, { redirect: 'manual' })).status, 200);
      assert.match(h.output(), /no certificate over ACME yet; HTTP keeps serving/);
      // A token no challenge is pending for (or no token at all) is the app's 404, not a crash.
      for (const path of ['/.well-known/acme-challenge/unknown-token', '/.well-known/acme-challenge/', '/.well-known/acme-challenge/a%2F..%2Fb']) {
        assert.equal((await fetch(`${http}${path}`)).status, 404, path);
      }

      // pebble comes up; it checks http://localhost:<Hearth's HTTP port>/.well-known/acme-challenge/<token>.
      pebble = startPebble(certs, { acmePort, mgmtPort, httpPort });
      const ready = await waitFor('the certificate served', async () => {
        const r = (await (await fetch(`${http}/readyz`)).json()) as Ready;
        return r.https?.expiresAt && !r.https.error ? r : undefined;
      }, { timeoutMs: 30_000, state: () => `${h.output().slice(-2000)}\n${pebbleOutput}` });
      assert.equal(ready.https!.subject, 'CN=localhost');
      // pebble's root of the day (made at its start), from its management port, which serves its own certificate.
      const root = await get(`https://localhost:${mgmtPort}/roots/0`, [], false);
      const httpsUrl = `https://localhost:${httpsPort}`;
      const first = await waitFor('HTTPS answering', () => get(`${httpsUrl}/readyz`, [root.text]).catch(() => undefined), 10_000);
      assert.equal(first.status, 200, first.text);
      assert.equal((JSON.parse(first.text) as Ready).https!.domain, 'localhost');
      const moved = await fetch(`${http}/v1/instance`, { redirect: 'manual' });
      assert.equal(moved.status, 308);
      // Kept private in the data directory.
      const stored = join(c.data, 'https');
      for (const f of ['localhost.key', 'localhost.crt', 'acme-account.key']) assert.equal(statSync(join(stored, f)).mode & 0o077, 0, f);
      assert.equal(await h.stop(), 0, h.output());

      // A stored certificate two-thirds through its lifetime: served at start, then renewed without a restart.
      const old = backdatedCert(certs);
      copyFileSync(old.cert, join(stored, 'localhost.crt'));
      copyFileSync(old.key, join(stored, 'localhost.key'));
      h = spawnHearth('node', ['serve', '--config', c.file]);
      await bannerOf(h);
      const renewed = await waitFor('the renewed certificate served', async () => {
        const r = await get(`${httpsUrl}/healthz`, [root.text, old.ca]).catch(() => undefined);
        return r && r.issuer !== 'Hearth test CA' ? r : undefined;
      }, { timeoutMs: 30_000, state: () => h.output().slice(-2000) });
      assert.notEqual(renewed.serial, first.serial);
      assert.match(h.output(), /certificate renewed over ACME/);
    } finally {
      if (h.child.exitCode === null) assert.equal(await h.stop(), 0, h.output());
    }
  });
});

let pebbleOutput = '';

function startPebble(certs: TestCerts, p: { acmePort: number; mgmtPort: number; httpPort: number }): ChildProcess {
  const file = join(certs.dir, 'pebble.json');
  writeFileSync(file, JSON.stringify({ pebble: {
    listenAddress: `127.0.0.1:${p.acmePort}`,
    managementListenAddress: `127.0.0.1:${p.mgmtPort}`,
    certificate: certs.serverCert,
    privateKey: certs.serverKey,
    httpPort: p.httpPort,
    tlsPort: 1, // TLS-ALPN-01 unused: Hearth answers HTTP-01 only
    ocspResponderURL: '',
    externalAccountBindingRequired: false,
  } }));
  const child = spawn(PEBBLE!, ['-config', file], { env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (pebbleOutput += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (pebbleOutput += d.toString()));
  return child;
}

/** A certificate for localhost from the test CA, valid 2020–2030: past two-thirds of its lifetime. */
function backdatedCert(certs: TestCerts): { cert: string; key: string; ca: string } {
  const f = (n: string) => join(certs.dir, 'old', n);
  mkdirSync(f(''), { recursive: true });
  writeFileSync(f('index.txt'), '');
  writeFileSync(f('serial'), '1000\n');
  writeFileSync(f('ext'), 'subjectAltName=DNS:localhost\n');
  writeFileSync(f('ca.cnf'), `[ca]\ndefault_ca = d\n[d]\ndatabase = ${f('index.txt')}\nnew_certs_dir = ${f('')}\nserial = ${f('serial')}\ndefault_md = sha256\npolicy = p\ncopy_extensions = none\n[p]\ncommonName = supplied\n`);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f('key.pem'), '-out', f('csr.pem'), '-subj', '/CN=localhost');
  ssl('ca', '-batch', '-config', f('ca.cnf'), '-cert', certs.ca, '-keyfile', join(certs.dir, 'ca.key'), '-in', f('csr.pem'), '-out', f('cert.pem'),
    '-startdate', '20200101000000Z', '-enddate', '20300101000000Z', '-extfile', f('ext'), '-notext');
  return { cert: f('cert.pem'), key: f('key.pem'), ca: certs.ca };
}

function get(url: string, ca: string[], verify = true): Promise<{ status: number; text: string; serial: string; issuer: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca, agent: false, rejectUnauthorized: verify }, (res) => {
      let text = '';
      const peer = (res.socket as TLSSocket).getPeerCertificate();
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode!, text, serial: peer.serialNumber, issuer: String(peer.issuer?.CN ?? '') }));
    }).on('error', reject).end();
  });
}
