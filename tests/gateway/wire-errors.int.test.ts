/**
 * Requests that Node's HTTP layer or the Hono adapter stop before the app sees them still
 * get a problem+json answer (found by the fuzzer: Node answered these with a bare status
 * and no body, and dropped a CONNECT without a word). Table-driven over raw bytes against
 * the gateway's real listener.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createListener, type HttpListener } from '../../src/gateway/index.ts';
import { rawRequest } from '../fuzz/raw-http.ts';

const CASES: { name: string; bytes: string; status: number; code: string }[] = [
  { name: 'a garbage request line', bytes: '\u00b0+\u00b2 nonsense\r\n\r\n', status: 400, code: 'gateway.bad_http' },
  { name: 'a header line without a colon', bytes: 'GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n', status: 400, code: 'gateway.bad_http' },
  { name: 'two different Content-Lengths', bytes: 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\n{}', status: 400, code: 'gateway.bad_http' },
  { name: 'headers over the size limit', bytes: `GET / HTTP/1.1\r\nHost: x\r\nX-Huge: ${'h'.repeat(40_000)}\r\n\r\n`, status: 431, code: 'gateway.headers_too_large' },
  { name: 'HTTP/1.1 without Host', bytes: 'GET /v1/me HTTP/1.1\r\nConnection: close\r\n\r\n', status: 400, code: 'gateway.bad_http' },
  { name: 'an HTTP/0.9 request (no version, no headers)', bytes: 'GET /v1/groups\r\n\r\n', status: 400, code: 'gateway.bad_http' },
  { name: 'CONNECT', bytes: 'CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n', status: 405, code: 'gateway.method_not_allowed' },
  { name: 'an Expect other than 100-continue', bytes: 'GET / HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nConnection: close\r\n\r\n', status: 417, code: 'gateway.expectation_failed' },
];

describe('gateway: requests refused below the app are answered as problem+json', () => {
  let http: HttpListener;
  let port: number;
  before(async () => {
    http = createListener(() => new Response('ok'));
    port = Number(new URL(await http.listen('127.0.0.1', 0)).port);
  });
  after(() => http?.close(100));

  for (const c of CASES) {
    it(`answers ${c.name} with ${c.status} ${c.code}`, async () => {
      const a = await rawRequest('127.0.0.1', port, Buffer.from(c.bytes, 'latin1'), { timeoutMs: 5000 });
      assert.ok('status' in a, `no answer: ${JSON.stringify(a)}`);
      assert.equal(a.status, c.status);
      assert.equal(a.headers['content-type'], 'application/problem+json');
      const body = JSON.parse(a.body.toString('utf8'));
      assert.equal(body.status, c.status);
      assert.equal(body.code, c.code);
      assert.equal(typeof body.detail, 'string');
    });
  }

  it('still serves a good request on the same listener', async () => {
    const a = await rawRequest('127.0.0.1', port, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    assert.ok('status' in a && a.status === 200 && a.body.toString() === 'ok');
  });
});
