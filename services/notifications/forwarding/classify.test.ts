import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classifyError, classifyResponse, parseRetryAfter } from './classify.ts';

const NOW = Date.parse('2025-01-01T00:00:00Z');
const withCode = (code: string) => Object.assign(new Error(`connect ${code} https://ntfy.sh/secret-topic`), { code });

describe('classifying an attempt', () => {
  const table: [number, string | null, string, string, number | null][] = [
    [200, null, 'delivered', '', null],
    [204, null, 'delivered', '', null],
    [408, null, 'retry', 'HTTP 408', null],
    [429, '30', 'retry', 'HTTP 429', 30_000],
    [500, null, 'retry', 'HTTP 500', null],
    [503, 'Wed, 01 Jan 2025 00:01:00 GMT', 'retry', 'HTTP 503', 60_000],
    [400, null, 'refused', 'HTTP 400', null],
    [401, null, 'refused', 'HTTP 401', null],
    [404, null, 'refused', 'HTTP 404', null],
    [413, null, 'refused', 'HTTP 413', null],
    [301, null, 'refused', 'HTTP 301 (redirect; use the final URL)', null],
  ];
  for (const [status, retryAfter, kind, error, wait] of table) {
    it(`takes HTTP ${status} as ${kind}`, () => {
      const r = classifyResponse(status, retryAfter, NOW);
      assert.equal(r.kind, kind);
      if (r.kind !== 'delivered') assert.equal(r.error, error);
      if (r.kind === 'retry') assert.equal(r.retryAfterMs, wait);
    });
  }

  it('names network failures by code and never repeats the message (it may quote the URL)', () => {
    const cases: [unknown, string][] = [
      [new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') }), 'connection refused'],
      [new TypeError('fetch failed', { cause: new AggregateError([withCode('ECONNREFUSED')]) }), 'connection refused'],
      [new TypeError('fetch failed', { cause: withCode('ENOTFOUND') }), 'host not found'],
      [new TypeError('fetch failed', { cause: withCode('ECONNRESET') }), 'connection reset'],
      [new TypeError('fetch failed', { cause: withCode('CERT_HAS_EXPIRED') }), 'TLS error'],
      [new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'timeout'],
      [Object.assign(new Error('Unable to connect'), { code: 'ConnectionRefused' }), 'connection refused'],
      [new TypeError('error sending request for url (https://ntfy.sh/secret-topic): client error (Connect): tcp connect error: Connection refused (os error 111)'), 'connection refused'],
      [new TypeError('fetch failed', { cause: withCode('EWEIRD_THING') }), 'network error (EWEIRD_THING)'],
      [new Error('something https://ntfy.sh/secret-topic'), 'network error'],
    ];
    for (const [err, text] of cases) {
      const r = classifyError(err);
      assert.equal(r.kind, 'retry');
      if (r.kind === 'retry') assert.equal(r.error, text);
    }
  });

  it('refuses a port fetch will never connect to', () => {
    for (const err of [new TypeError('fetch failed', { cause: new Error('bad port') }), new TypeError('Fetch failed: Requests to port 1 are blocked')]) {
      assert.deepEqual(classifyError(err), { kind: 'refused', status: null, error: 'port not allowed (fetch blocks it); use another port' });
    }
  });

  it('reads Retry-After as seconds or a date, and ignores nonsense', () => {
    assert.equal(parseRetryAfter('0', NOW), 0);
    assert.equal(parseRetryAfter(' 5 ', NOW), 5000);
    assert.equal(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', NOW), 0);
    assert.equal(parseRetryAfter('soon', NOW), null);
    assert.equal(parseRetryAfter(null, NOW), null);
  });
});
