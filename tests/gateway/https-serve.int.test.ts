/**
 * `hearth serve` with HTTPS on (docs/https.md), as a real process: certificate files that
 * cannot be served, or HTTPS without them, are refused before anything starts (exit 2,
 * naming the file or the key); good ones are served, the banner says where, and `/readyz`
 * shows the certificate; a renewal on disk is served without a restart. Runs under Node, and Bun, Deno and the compiled binary when Bun and Deno are installed
 * (TEST_HTTPS_RUNTIMES narrows the list, e.g. "node,binary").
 */
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import { request } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeCerts, type TestCerts } from '../support/certs.ts';
import { binarySkip, buildBinary } from '../support/binary.ts';
import { writeTestConfig } from '../support/config.ts';
import { bannerOf, runtimeSkip, spawnHearth, type HearthRuntime } from '../support/hearth-process.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT } from '../support/test-file.ts';

const RUNTIMES = (process.env.TEST_HTTPS_RUNTIMES ?? 'node,bun,deno,binary').split(',');

const httpsConfig = (o: { address?: string; cert: string; key: string }) =>
  writeTestConfig(`https { address: "${o.address ?? '127.0.0.1:0'}", cert_file: "${o.cert}", key_file: "${o.key}", check_every_s: 1 }\nusers { registration: "open" }`, { builtIn: true });

describe('hearth serve with HTTPS', { timeout: FILE_TIMEOUT * 2 }, () => {
  let certs: TestCerts;
  let renewed: TestCerts;
  before(() => void ((certs = makeCerts()), (renewed = makeCerts())));
  after(() => (certs?.remove(), renewed?.remove()));

  it('refuses a missing certificate file, a key that does not match, and HTTPS without its files (exit 2)', async () => {
    const missing = join(certs.dir, 'missing.pem');
    const cases: [string, ReturnType<typeof httpsConfig>, RegExp][] = [
      ['missing', httpsConfig({ cert: missing, key: certs.serverKey }), new RegExp(`cannot read the certificate file ${missing}: it does not exist`)],
      ['mismatch', httpsConfig({ cert: certs.serverCert, key: certs.clientKey }), /the private key file .*client\.key does not match the certificate in .*server\.pem/],
      ['garbage', httpsConfig({ cert: certs.serverCert, key: writeGarbage(join(certs.dir, 'garbage.key')) }), /the private key file .*garbage\.key holds no PEM private key/],
      ['empty', httpsConfig({ cert: '', key: certs.serverKey }), /https\.cert_file.*empty while https\.address is set/],
    ];
    await Promise.all(cases.map(async ([name, c, re]) => {
      const h = spawnHearth('node', ['serve', '--config', c.file]);
      assert.equal(await h.exited, 2, `${name}: ${h.output()}`);
      assert.match(h.output(), re, name);
    }));
  });

  for (const name of RUNTIMES) {
    const skip = name === 'binary' ? binarySkip : runtimeSkip(name as HearthRuntime);
    it(`serves HTTPS under ${name === 'binary' ? 'the compiled binary' : name}`, { skip }, async () => {
      const rt: HearthRuntime = name === 'binary' ? { binary: buildBinary() } : (name as HearthRuntime);
      // Copies: the test replaces them, as a renewal would.
      const cert = join(certs.dir, `${name}-fullchain.pem`);
      const key = join(certs.dir, `${name}-privkey.pem`);
      copyFileSync(certs.serverCert, cert);
      copyFileSync(certs.serverKey, key);
      const c = httpsConfig({ cert, key });
      const h = spawnHearth(rt, ['serve', '--config', c.file]);
      try {
        const { http } = await bannerOf(h);
        const [, httpsUrl] = await h.waitForOutput(/https\s+(https:\/\/\S+)/);
        const ca = [readFileSync(certs.ca, 'utf8'), readFileSync(renewed.ca, 'utf8')];
        const ready = await get(`${httpsUrl}/readyz`, ca);
        assert.equal(ready.status, 200, ready.text);
        assert.match(ready.hsts ?? '', /^max-age=\d+$/);
        const body = JSON.parse(ready.text) as { https: { subject: string; expiresAt: string } };
        assert.match(body.https.subject, /CN=localhost/);
        const redirected = await fetch(`${http}/v1/instance`, { redirect: 'manual' });
        assert.equal(redirected.status, 308);
        assert.equal(redirected.headers.get('location'), `${httpsUrl}/v1/instance`);
        // Renewed on disk: served without a restart.
        const served = ready.serial;
        copyFileSync(renewed.serverKey, key);
        copyFileSync(renewed.serverCert, cert);
        await waitFor('the renewed certificate served', async () => (await get(`${httpsUrl}/healthz`, ca)).serial !== served);
      } finally {
        assert.equal(await h.stop(), 0, h.output());
      }
    });
  }
});

function writeGarbage(file: string): string {
  writeFileSync(file, 'not a key\n');
  return file;
}

function get(url: string, ca: string[]): Promise<{ status: number; text: string; hsts: string | undefined; serial: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca, agent: false }, (res) => {
      let text = '';
      const serial = (res.socket as TLSSocket).getPeerCertificate().serialNumber;
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode!, text, hsts: res.headers['strict-transport-security'] as string | undefined, serial }));
    }).on('error', reject).end();
  });
}
