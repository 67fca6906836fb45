import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickEncoding } from './serve.ts';
import { tileSource, webHeaders } from './headers.ts';

const both = { br: new Uint8Array(1), gzip: new Uint8Array(1) };

describe('web app: content encoding', () => {
  const cases: Array<[string | undefined, typeof both | { gzip: Uint8Array } | object, string | undefined]> = [
    ['gzip, deflate, br, zstd', both, 'br'],
    ['gzip', both, 'gzip'],
    ['br;q=0, gzip', both, 'gzip'],
    ['*', both, 'br'],
    ['*;q=0', both, undefined],
    ['identity', both, undefined],
    [undefined, both, undefined],
    ['br', { gzip: new Uint8Array(1) }, undefined],
    ['br, gzip', {}, undefined],
    ['GZIP;Q=0.5', both, 'gzip'],
  ];
  for (const [accept, asset, want] of cases) {
    it(`picks ${want ?? 'identity'} for ${JSON.stringify(accept)}${'br' in asset ? '' : ' without a brotli variant'}`, () => {
      assert.equal(pickEncoding(accept, asset), want);
    });
  }
});

describe('web app: security headers', () => {
  it('allows images from the tile server only, with {s} subdomains as a wildcard', () => {
    assert.equal(tileSource('https://tile.openstreetmap.org/{z}/{x}/{y}.png'), 'https://tile.openstreetmap.org');
    assert.equal(tileSource('https://{s}.tile.example.org/{z}/{x}/{y}.png'), 'https://*.tile.example.org');
    assert.equal(tileSource('http://127.0.0.1:8088/{z}/{x}/{y}.png'), 'http://127.0.0.1:8088');
    assert.equal(tileSource(''), undefined);
  });

  it('sends a strict policy: own scripts and styles only, no framing, no sniffing', () => {
    const h = webHeaders('https://tile.openstreetmap.org/{z}/{x}/{y}.png');
    const csp = Object.fromEntries(h['content-security-policy']!.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    assert.equal(csp['script-src'], "'self'");
    assert.equal(csp['style-src'], "'self'");
    assert.equal(csp['frame-ancestors'], "'none'");
    assert.equal(csp['object-src'], "'none'");
    assert.equal(csp['img-src'], "'self' data: blob: https://tile.openstreetmap.org");
    assert.ok(!h['content-security-policy']!.includes('unsafe'));
    assert.equal(h['x-content-type-options'], 'nosniff');
    assert.equal(h['referrer-policy'], 'strict-origin-when-cross-origin');
  });

  it('names no tile server when tiles are off', () => {
    assert.match(webHeaders('')['content-security-policy']!, /img-src 'self' data: blob:;/);
  });
});
