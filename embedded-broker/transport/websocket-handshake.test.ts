import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { acceptKey } from './websocket-handshake.ts';
import { UpgradeReader } from './websocket-upgrade.ts';
import type { UpgradeStep } from './websocket-upgrade.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const OK_101 =
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n';
const DEFLATE = 'Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n';

function request(extra = '', edit: (r: string) => string = (r) => r): string {
  const base =
    'GET /any/path?x=1 HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n`;
  return `${edit(base)}${extra}\r\n`;
}

function run(input: string | Uint8Array, compression = false, maxHead?: number): UpgradeStep[] {
  return new UpgradeReader(compression, maxHead).push(typeof input === 'string' ? enc(input) : input);
}

/** The response with its Date header blanked, for comparison. */
const undated = (s: string): string => s.replace(/Date: [^\r]*\r\n/, 'Date: *\r\n');
const writes = (steps: UpgradeStep[]): string[] => steps.flatMap((s) => (s.kind === 'write' ? [undated(s.data)] : []));
const kinds = (steps: UpgradeStep[]): string[] => steps.map((s) => s.kind);

/** http.Error's answer, as nats-server 2.9.10 sent it in a probe. */
function httpError(status: string, body: string, extra = ''): string {
  return (
    `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nSec-Websocket-Version: 13\r\n` +
    `X-Content-Type-Options: nosniff\r\nDate: *\r\nContent-Length: ${body.length + 1}\r\n${extra}\r\n${body}\n`
  );
}
const goFatal = (err: string): string =>
  `HTTP/1.1 ${err}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${err}`;

describe('acceptKey', () => {
  it('computes the Sec-WebSocket-Accept of RFC 6455 §1.3', () => {
    assert.equal(acceptKey(KEY), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });
});

describe('UpgradeReader', () => {
  it('upgrades a request sent whole, or split at any byte', () => {
    const wire = enc(request());
    for (let i = 0; i <= wire.length; i++) {
      const reader = new UpgradeReader(false);
      const steps = [...reader.push(wire.subarray(0, i)), ...reader.push(wire.subarray(i))];
      assert.deepEqual(kinds(steps), ['write', 'upgrade'], `split at ${i}`);
      assert.equal(writes(steps)[0], `${OK_101}\r\n`);
    }
  });

  it('upgrades a request sent a byte at a time, with bare LF line ends', () => {
    const reader = new UpgradeReader(false);
    const steps = Array.from(enc(request().replaceAll('\r\n', '\n')), (b) => reader.push(Uint8Array.of(b))).flat();
    assert.deepEqual(kinds(steps), ['write', 'upgrade']);
  });

  it('hands over frame bytes that came with the request', () => {
    const steps = run(Uint8Array.from([...enc(request()), 0x82, 0x80, 0x61, 0x62, 0x63, 0x64]));
    const up = steps.find((s) => s.kind === 'upgrade');
    assert.deepEqual(up?.kind === 'upgrade' && [...up.leftover], [0x82, 0x80, 0x61, 0x62, 0x63, 0x64]);
  });

  it('negotiates permessage-deflate only when enabled and offered', () => {
    const offer = 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n';
    assert.equal(writes(run(request(offer), true))[0], `${OK_101}${DEFLATE}\r\n`);
    assert.equal(writes(run(request(offer), false))[0], `${OK_101}\r\n`);
    assert.equal(writes(run(request(), true))[0], `${OK_101}\r\n`);
    const up = run(request(offer), true).find((s) => s.kind === 'upgrade');
    assert.equal(up?.kind === 'upgrade' && up.session.compress, true);
  });

  it('agrees to no masking only for the exact value "true"', () => {
    assert.equal(writes(run(request('Nats-No-Masking: true\r\n')))[0], `${OK_101}Nats-No-Masking: true\r\n\r\n`);
    assert.equal(writes(run(request('Nats-No-Masking: TRUE\r\n')))[0], `${OK_101}\r\n`);
  });

  it('recognises browsers, and Safari as unable to take fragmented compressed messages', () => {
    const session = (ua: string) => {
      const up = run(request(`User-Agent: ${ua}\r\nSec-WebSocket-Extensions: permessage-deflate\r\n`), true).at(-1);
      return up?.kind === 'upgrade' ? up.session : undefined;
    };
    assert.deepEqual(session('Mozilla/5.0 Chrome/120 Safari/537'), {
      compress: true,
      noMasking: false,
      browser: true,
      noCompressedFragments: false,
    });
    assert.equal(session('Mozilla/5.0 Version/17 Safari/605')?.noCompressedFragments, true);
    assert.equal(session('Deno/2.0')?.browser, false);
  });

  it('upgrades a "/leafnode" path and then closes, as nats-server does without leafnodes', () => {
    const got = run(request('', (r) => r.replace('GET /any/path?x=1', 'GET /leafnode')));
    assert.deepEqual(kinds(got), ['write', 'close']);
    assert.equal(writes(got)[0], `${OK_101}\r\n`);
    assert.deepEqual(kinds(run(request('', (r) => r.replace('GET /any/path?x=1', 'GET /mqtt')))), ['write', 'upgrade']);
  });

  it('accepts token lists in Upgrade, Connection and Sec-WebSocket-Version', () => {
    const edit = (r: string) =>
      r
        .replace('Upgrade: websocket', 'Upgrade: foo, WebSocket')
        .replace('Connection: Upgrade', 'Connection: keep-alive, upgrade')
        .replace('Version: 13', 'Version: 8, 13');
    assert.deepEqual(kinds(run(request('', edit))), ['write', 'upgrade']);
  });

  // Status lines and bodies as nats-server 2.9.10 (Go 1.19 net/http) answered them in probes.
  const rejects: [string, string, string, string[]][] = [
    ['a method other than GET', request('', (r) => r.replace('GET', 'POST')), httpError('405 Method Not Allowed', 'Method Not Allowed'), ['write']],
    ['a missing Upgrade header', request('', (r) => r.replace('Upgrade: websocket\r\n', '')), httpError('400 Bad Request', 'Bad Request'), ['write']],
    ['Connection without upgrade', request('', (r) => r.replace('Connection: Upgrade', 'Connection: keep-alive')), httpError('400 Bad Request', 'Bad Request'), ['write']],
    ['a missing key', request('', (r) => r.replace(`Sec-WebSocket-Key: ${KEY}\r\n`, '')), httpError('400 Bad Request', 'Bad Request'), ['write']],
    ['an empty key', request('', (r) => r.replace(KEY, '')), httpError('400 Bad Request', 'Bad Request'), ['write']],
    ['version 8', request('', (r) => r.replace('Version: 13', 'Version: 8')), httpError('400 Bad Request', 'Bad Request'), ['write']],
    ['an empty Host', request('', (r) => r.replace('Host: localhost', 'Host:')), httpError('400 Bad Request', 'Bad Request'), ['write']],
    [
      'Connection: close',
      request('', (r) => r.replace('GET', 'POST').replace('Connection: Upgrade', 'Connection: close')),
      httpError('405 Method Not Allowed', 'Method Not Allowed', 'Connection: close\r\n'),
      ['write', 'close'],
    ],
    [
      'HTTP/1.0 without Host',
      request('', (r) => r.replace('HTTP/1.1', 'HTTP/1.0').replace('Host: localhost\r\n', '')),
      httpError('400 Bad Request', 'Bad Request').replace('HTTP/1.1', 'HTTP/1.0'),
      ['write', 'close'],
    ],
    [
      'HTTP/1.0 asking for keep-alive',
      request('', (r) => r.replace('HTTP/1.1', 'HTTP/1.0').replace('GET', 'POST').replace('Connection: Upgrade', 'Connection: keep-alive')),
      httpError('405 Method Not Allowed', 'Method Not Allowed', 'Connection: keep-alive\r\n').replace('HTTP/1.1', 'HTTP/1.0'),
      ['write'],
    ],
    ['HTTP/1.1 without Host', request('', (r) => r.replace('Host: localhost\r\n', '')), goFatal('400 Bad Request: missing required Host header'), ['write', 'close']],
    ['two Host headers', request('Host: other\r\n'), goFatal('400 Bad Request'), ['write', 'close']],
    ['a malformed request line', 'hello world\r\n\r\n', goFatal('400 Bad Request'), ['write', 'close']],
    ['a blank line before the request', `\r\n${request()}`, goFatal('400 Bad Request'), ['write', 'close']],
    ['a relative target', request('', (r) => r.replace('GET /any/path?x=1', 'GET foo')), goFatal('400 Bad Request'), ['write', 'close']],
    ['a header line without a colon', request('Foo\r\n'), goFatal('400 Bad Request'), ['write', 'close']],
    ['an invalid header name', request('Fo o: x\r\n'), goFatal('400 Bad Request: invalid header name'), ['write', 'close']],
    ['a control byte in a value', request('Foo: a\x01b\r\n'), goFatal('400 Bad Request: invalid header value'), ['write', 'close']],
    ['HTTP/2.0', request('', (r) => r.replace('HTTP/1.1', 'HTTP/2.0')), goFatal('505 HTTP Version Not Supported: unsupported protocol version'), ['write', 'close']],
    ['HTTP/0.9', request('', (r) => r.replace('HTTP/1.1', 'HTTP/0.9')), goFatal('505 HTTP Version Not Supported: unsupported protocol version'), ['write', 'close']],
    [
      'a transfer encoding other than chunked',
      request('Transfer-Encoding: gzip\r\n'),
      'HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nUnsupported transfer encoding',
      ['write', 'close'],
    ],
    [
      'the target "*"',
      request('', (r) => r.replace('GET /any/path?x=1', 'GET *')),
      'HTTP/1.1 400 Bad Request\r\nConnection: close\r\nDate: *\r\nContent-Length: 0\r\n\r\n',
      ['write', 'close'],
    ],
  ];
  for (const [name, input, response, steps] of rejects) {
    it(`answers ${name} as nats-server does`, () => {
      const got = run(input);
      assert.deepEqual(writes(got), [response]);
      assert.deepEqual(kinds(got), steps);
    });
  }

  it('answers HEAD without a body', () => {
    const got = writes(run(request('', (r) => r.replace('GET', 'HEAD'))));
    assert.deepEqual(got, [httpError('405 Method Not Allowed', 'Method Not Allowed').replace('Method Not Allowed\n', '')]);
  });

  it('keeps the connection after an HTTP/1.1 error and upgrades the next request', () => {
    const bad = request('Content-Length: 3\r\n', (r) => r.replace('GET', 'POST'));
    const got = run(`${bad}abc${request()}`);
    assert.deepEqual(kinds(got), ['write', 'write', 'upgrade']);
    assert.match(writes(got)[0], /^HTTP\/1\.1 405 /);
    assert.equal(writes(got)[1], `${OK_101}\r\n`);
  });

  it('folds an obsolete continuation line into the header before it', () => {
    const folded = request('', (r) => r.replace('Upgrade: websocket\r\n', 'Upgrade:\r\n websocket\r\n'));
    assert.deepEqual(kinds(run(folded)), ['write', 'upgrade']);
  });

  it('answers 431 and closes when the head outgrows the limit', () => {
    const big = request(`X-Big: ${'a'.repeat(2000)}\r\n`);
    const got = run(big, false, 1024);
    assert.deepEqual(writes(got), [goFatal('431 Request Header Fields Too Large')]);
    assert.deepEqual(kinds(got), ['write', 'close']);
    // ... also when it never ends, fed in pieces
    const reader = new UpgradeReader(false, 1024);
    const pieces = Array.from({ length: 10 }, () => reader.push(enc('X'.repeat(200)))).flat();
    assert.deepEqual(kinds(pieces), ['write', 'close']);
  });

  it('has Go net/http\'s 1 MiB + 4 KiB head limit by default', () => {
    assert.deepEqual(kinds(run(request(`X-Big: ${'a'.repeat(1_000_000)}\r\n`))), ['write', 'upgrade']);
    assert.deepEqual(kinds(run(request(`X-Big: ${'a'.repeat(1_100_000)}\r\n`))), ['write', 'close']);
  });

  it('reads nothing more once it has upgraded or closed', () => {
    const reader = new UpgradeReader(false);
    reader.push(enc('garbage\r\n\r\n'));
    assert.deepEqual(reader.push(enc(request())), []);
  });
});
