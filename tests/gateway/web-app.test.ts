/**
 * The web app as the gateway serves it (`app.request()`, the built bundle): the page at `/`
 * and at the app's own paths, hashed assets cached for a year and compressed, the service
 * worker and manifest revalidated, security headers on all of them, the API's paths and
 * other methods left to the API, and the 300 KB budget of JavaScript and CSS as served.
 */
import assert from 'node:assert/strict';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { pureGateway, type Pure } from './pure.ts';
import { useTempDir } from '../support/test-file.ts';

const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
/** The budget for a whole visit: JavaScript and CSS, map library included, as served. */
const BUDGET = 300 * 1024;

describe('gateway: the web app', () => {
  const dir = useTempDir('gw-web');
  let g: Pure;
  let assets: string[];

  before(async () => {
    g = await pureGateway(dir, (c) => void (c.web.tile_url = 'https://{s}.tiles.example.org/{z}/{x}/{y}.png'));
    assert.ok(g.deps.web, 'the web app is built (npm run build:web; npm test does it first)');
    assets = [...g.deps.web.files.keys()].filter((p) => p.startsWith('/assets/'));
  });
  after(() => g?.close());

  it('serves the page at / with a strict policy, revalidated on every visit', async () => {
    const res = await g.request('/', { headers: HTML });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.match(res.headers.get('content-security-policy')!, /script-src 'self';.*img-src 'self' data: blob: https:\/\/\*\.tiles\.example\.org;.*frame-ancestors 'none'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('referrer-policy'), 'strict-origin-when-cross-origin');
    const html = await res.text();
    assert.match(html, /<script type="module" src="\/assets\/app-[A-Z0-9]+\.js"><\/script>/);
    assert.doesNotMatch(html, /<script>|<script [^>]*>[^<]/, 'no inline script');
    assert.doesNotMatch(html, /style="|<style/, 'no inline style');
    const again = await g.request('/', { headers: { ...HTML, 'if-none-match': res.headers.get('etag')! } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
  });

  it("answers the app's own paths with the page, so links like /join/<code> open the app", async () => {
    for (const path of ['/join/AbCdEfGh1234', '/map', '/chat', '/alerts', '/account?x=1']) {
      const res = await g.request(path, { headers: HTML });
      assert.equal(res.status, 200, path);
      assert.match(await res.text(), /<div id="app">/, path);
    }
  });

  it("leaves the API's paths, files that do not exist and other methods to the API (JSON problems)", async () => {
    const cases: Array<[string, RequestInit, number, string]> = [
      ['/v1/nothing-here', { headers: HTML }, 404, 'gateway.no_route'],
      ['/v1', { headers: HTML }, 404, 'gateway.no_route'],
      ['/.well-known/nothing', { headers: HTML }, 404, 'gateway.no_route'],
      ['/assets/app-NOPE.js', { headers: HTML }, 404, 'gateway.no_route'],
      ['/favicon.ico', { headers: HTML }, 404, 'gateway.no_route'],
      ['/map', { headers: { accept: 'application/json' } }, 404, 'gateway.no_route'],
      ['/', { method: 'POST', headers: HTML }, 404, 'gateway.no_route'],
    ];
    for (const [path, init, status, code] of cases) {
      const res = await g.request(path, init);
      assert.equal(res.status, status, `${init.method ?? 'GET'} ${path}`);
      assert.equal(res.headers.get('content-type'), 'application/problem+json', path);
      assert.equal((await res.json()).code, code, path);
    }
    const healthz = await g.request('/healthz', { headers: HTML });
    assert.deepEqual(await healthz.json(), { status: 'ok' });
  });

  it('serves hashed assets for a year, compressed as the browser asks, identical after decoding', async () => {
    assert.ok(assets.some((p) => p.endsWith('.js')) && assets.some((p) => p.endsWith('.css')));
    for (const path of assets.filter((p) => /\.(js|css)$/.test(p))) {
      const plain = await g.request(path, { headers: { 'accept-encoding': 'identity' } });
      assert.equal(plain.status, 200);
      assert.equal(plain.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(plain.headers.get('content-encoding'), null);
      const body = Buffer.from(await plain.arrayBuffer());
      assert.equal(Number(plain.headers.get('content-length')), body.length);
      const br = await g.request(path, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
      assert.equal(br.headers.get('content-encoding'), 'br');
      assert.deepEqual(brotliDecompressSync(Buffer.from(await br.arrayBuffer())), body);
      const gz = await g.request(path, { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(gz.headers.get('content-encoding'), 'gzip');
      assert.deepEqual(gunzipSync(Buffer.from(await gz.arrayBuffer())), body);
      assert.equal(br.headers.get('vary'), 'accept-encoding');
    }
  });

  it('revalidates the service worker, manifest and icons, and lets the worker control the whole app', async () => {
    const sw = await g.request('/sw.js');
    assert.equal(sw.status, 200);
    assert.equal(sw.headers.get('cache-control'), 'no-cache');
    assert.equal(sw.headers.get('service-worker-allowed'), '/');
    assert.match(sw.headers.get('content-type')!, /^text\/javascript/);
    const text = await sw.text();
    for (const path of assets) assert.ok(text.includes(path), `the worker keeps ${path}`);
    assert.ok(text.includes(g.deps.web!.version), 'the worker names the build');

    const manifest = await g.request('/manifest.webmanifest');
    assert.equal(manifest.headers.get('content-type'), 'application/manifest+json');
    assert.equal(manifest.headers.get('cache-control'), 'no-cache');
    const m = await manifest.json();
    assert.equal(m.name, 'Hearth');
    assert.equal(m.start_url, '/');
    assert.equal(m.display, 'standalone');
    assert.ok(m.icons.some((i: { purpose: string; sizes: string }) => i.purpose === 'maskable' && i.sizes === '512x512'));
    for (const icon of m.icons) {
      const res = await g.request(icon.src);
      assert.equal(res.status, 200, icon.src);
      assert.equal(res.headers.get('content-type'), icon.type, icon.src);
    }
  });

  it('answers HEAD like GET, without a body', async () => {
    const res = await g.request('/', { method: 'HEAD', headers: HTML });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '');
  });

  it(`keeps JavaScript and CSS within ${BUDGET / 1024} KB as served, to a browser that takes brotli or only gzip`, async () => {
    for (const encoding of ['gzip, deflate, br', 'gzip']) {
      let served = 0;
      for (const path of assets.filter((p) => /\.(js|css)$/.test(p))) {
        const res = await g.request(path, { headers: { 'accept-encoding': encoding } });
        served += (await res.arrayBuffer()).byteLength;
      }
      assert.ok(served <= BUDGET, `${encoding}: ${served} bytes > ${BUDGET}`);
    }
  });
});
