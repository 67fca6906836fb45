/**
 * Request bodies read from Node's `IncomingMessage` (body.ts's path under @hono/node-server),
 * over a real socket to the gateway's own listener (server.ts) on the pure gateway: a body
 * sent in pieces, chunked or with a length, is read whole; the size limit cuts a chunked
 * body off with 413 and the listener goes on serving; the content-type, UTF-8 and JSON
 * rules give the same problems as through `app.request()`; a client that hangs up mid-body
 * is `gateway.client_aborted`, not an internal error.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createListener, type HttpListener } from '../../src/gateway/index.ts';
import { pureGateway, type Pure } from './pure.ts';
import { useTempDir } from '../support/test-file.ts';
import { waitFor } from '../support/poll.ts';

const LIMIT = 2048;

/** Sends a raw request in pieces (a pause between them) and reads the whole answer (`Connection: close`). */
async function raw(url: string, head: string, pieces: (string | Uint8Array)[]): Promise<{ status: number; body: Record<string, unknown> }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(`${head}Host: ${hostname}\r\nConnection: close\r\n\r\n`);
  for (const p of pieces) {
    await new Promise((r) => setImmediate(r));
    if (!socket.destroyed) socket.write(p);
  }
  await ended;
  const text = Buffer.concat(chunks).toString('utf8');
  const status = Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1]);
  const rest = text.slice(text.indexOf('\r\n\r\n') + 4);
  const json = rest.startsWith('{') ? rest : rest.slice(rest.indexOf('{'), rest.lastIndexOf('}') + 1); // chunked framing around it
  return { status, body: json ? (JSON.parse(json) as Record<string, unknown>) : {} };
}

const chunk = (s: string | Uint8Array) => {
  const b = typeof s === 'string' ? Buffer.from(s) : Buffer.from(s);
  return Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]);
};

describe('gateway: bodies read from the Node request', () => {
  const dir = useTempDir('gw-body-node');
  let g: Pure;
  let http: HttpListener;
  let url: string;

  before(async () => {
    g = await pureGateway(dir, (c) => {
      c.gateway.max_body_bytes = LIMIT;
      c.gateway.auth_rate_per_minute = 1000; // every request here is a sign-up from 127.0.0.1
    });
    http = createListener(g.app.fetch as never);
    url = await http.listen('127.0.0.1', 0);
  });
  after(async () => {
    await http?.close(100);
    g?.close();
  });

  const post = (path: string, type = 'application/json') => `POST ${path} HTTP/1.1\r\nContent-Type: ${type}\r\n`;

  it('reads a body sent in pieces with a length, and one sent chunked', async () => {
    const body = JSON.stringify({ email: 'not-an-email' });
    const halves = [body.slice(0, 7), body.slice(7)];
    for (const [head, pieces] of [
      [`${post('/v1/auth/register')}Content-Length: ${body.length}\r\n`, halves],
      [`${post('/v1/auth/register')}Transfer-Encoding: chunked\r\n`, [...halves.map(chunk), '0\r\n\r\n']],
    ] as const) {
      const res = await raw(url, head, [...pieces]);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.code, 'gateway.invalid_request');
      const paths = (res.body.errors as { path: string }[]).map((e) => e.path).sort();
      assert.deepEqual(paths, ['body.displayName', 'body.email', 'body.password'], 'the whole body was parsed');
    }
  });

  it('reads an empty body as {}', async () => {
    const res = await raw(url, `${post('/v1/auth/register')}Content-Length: 0\r\n`, []);
    assert.equal(res.status, 400);
    assert.equal((res.body.errors as unknown[]).length, 3);
  });

  it('cuts a chunked body over the limit off with 413, and goes on serving', async () => {
    const piece = chunk('x'.repeat(1000));
    const res = await raw(url, `${post('/v1/auth/register')}Transfer-Encoding: chunked\r\n`, [chunk('{"a":"'), piece, piece, piece, piece, '0\r\n\r\n']);
    assert.equal(res.status, 413);
    assert.equal(res.body.code, 'gateway.body_too_large');
    assert.equal((await raw(url, 'GET /healthz HTTP/1.1\r\n', [])).status, 200);
  });

  it('gives the same problems for the media type, UTF-8 and JSON', async () => {
    const cases: [string, string | Uint8Array, number, string][] = [
      ['text/plain', 'email=a', 415, 'gateway.unsupported_media_type'],
      ['application/json; charset=latin1', '{}', 415, 'gateway.unsupported_media_type'],
      ['application/json', new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), 400, 'gateway.invalid_utf8'],
      ['application/json', '{"email":', 400, 'gateway.invalid_json'],
    ];
    for (const [type, body, status, code] of cases) {
      const res = await raw(url, `${post('/v1/auth/register', type)}Content-Length: ${body.length}\r\n`, [body]);
      assert.deepEqual([res.status, res.body.code], [status, code], type);
    }
  });

  it('counts a client that hangs up mid-body as client_aborted', async () => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const reading = new Promise((resolve) => http.server.once('request', resolve));
    socket.write(`${post('/v1/auth/register')}Host: ${hostname}\r\nContent-Length: 1000\r\n\r\n{"email":"ann@example.com","pass`);
    await reading;
    await new Promise((r) => setImmediate(r)); // the app is now waiting for the rest of the body
    socket.destroy();
    await waitFor('the aborted body counted', () => /gateway\.client_aborted/.test(g.deps.metrics.render()) || undefined);
  });
});
