import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tcpConnect } from 'node:net';
import type { Socket } from 'node:net';
import { inflateRawSync } from 'node:zlib';
import WebSocket from 'ws';
import type { Conn, ConnHandler, Listener } from './types.ts';
import { listenWebSocket } from './websocket.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const MASK = [0x11, 0x22, 0x33, 0x44];
const listeners: Listener[] = [];
after(() => Promise.all(listeners.map((l) => l.close())));

interface Peer {
  conn: Conn;
  received: Uint8Array[];
  closed: boolean;
  drains: number;
}

/**
 * A listener whose protocol layer echoes what it receives, unless `onData` takes over.
 * `peers` fills as clients connect.
 */
async function echoServer(compression = false, onData?: (peer: Peer, bytes: Uint8Array) => void, greeting = '') {
  const peers: Peer[] = [];
  const listener = await listenWebSocket({ host: '127.0.0.1', port: -1, compression, maxPayload: 1 << 20 }, (conn) => {
    const peer: Peer = { conn, received: [], closed: false, drains: 0 };
    peers.push(peer);
    if (greeting) conn.write(enc(greeting));
    const handler: ConnHandler = {
      data(bytes) {
        peer.received.push(bytes.slice());
        if (onData) onData(peer, bytes);
        else conn.write(bytes.slice());
      },
      drain: () => void peer.drains++,
      closed: () => void (peer.closed = true),
    };
    return handler;
  });
  listeners.push(listener);
  return { listener, peers };
}

/** Polls `check` until it holds, for at most 3 s. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), `timed out waiting for ${what}`);
}

/** A client frame, masked with MASK unless told otherwise. */
function frame(b0: number, payload: Uint8Array, masked = true): Uint8Array {
  const len = payload.length;
  const lenBytes = len <= 125 ? [len] : [126, len >> 8, len & 0xff];
  const body = masked ? payload.map((b, i) => b ^ MASK[i & 3]) : payload;
  return Uint8Array.from([b0, (masked ? 0x80 : 0) | lenBytes[0], ...lenBytes.slice(1), ...(masked ? MASK : []), ...body]);
}

/** A hand-driven client on a raw socket: writes bytes, reads the HTTP head then frames. */
class RawClient {
  buf = Buffer.alloc(0);
  ended = false;
  readonly socket: Socket;

  constructor(port: number) {
    this.socket = tcpConnect(port, '127.0.0.1');
    this.socket.on('data', (d: Buffer) => (this.buf = Buffer.concat([this.buf, d])));
    this.socket.on('close', () => (this.ended = true));
    this.socket.on('error', () => {
      // the tests look at what arrived and whether the socket ended
    });
  }

  static async upgraded(port: number, extra = ''): Promise<RawClient> {
    const c = new RawClient(port);
    c.send(upgradeRequest(extra));
    assert.match(await c.head(), /^HTTP\/1\.1 101 /);
    return c;
  }

  send(data: string | Uint8Array): void {
    this.socket.write(typeof data === 'string' ? enc(data) : data);
  }

  async head(): Promise<string> {
    await until(() => this.buf.includes('\r\n\r\n') || this.ended, 'a response head');
    const end = this.buf.indexOf('\r\n\r\n') + 4;
    const head = this.buf.subarray(0, end).toString('latin1');
    this.buf = this.buf.subarray(end);
    return head;
  }

  async frame(): Promise<{ b0: number; payload: Buffer }> {
    const size = (): number => {
      if (this.buf.length < 2) return Infinity;
      const len = this.buf[1] & 0x7f;
      if (len === 126) return this.buf.length < 4 ? Infinity : 4 + this.buf.readUInt16BE(2);
      if (len === 127) return this.buf.length < 10 ? Infinity : 10 + Number(this.buf.readBigUInt64BE(2));
      return 2 + len;
    };
    await until(() => this.buf.length >= size(), 'a frame');
    const total = size();
    const skip = (this.buf[1] & 0x7f) === 126 ? 4 : (this.buf[1] & 0x7f) === 127 ? 10 : 2;
    const f = { b0: this.buf[0], payload: Buffer.from(this.buf.subarray(skip, total)) };
    this.buf = this.buf.subarray(total);
    return f;
  }

  async closeFrame(): Promise<[number, string]> {
    const f = await this.frame();
    assert.equal(f.b0, 0x88, `expected a close frame, got 0x${f.b0.toString(16)}`);
    return [f.payload.readUInt16BE(0), f.payload.subarray(2).toString()];
  }
}

function upgradeRequest(extra = ''): string {
  return (
    `GET /some/path HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`
  );
}

/** A ws client, open, with the extensions header of the server's 101 response. */
function wsClient(port: number, opts: WebSocket.ClientOptions = {}): Promise<{ ws: WebSocket; extensions: string }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, opts);
  let extensions = '';
  ws.once('upgrade', (res) => (extensions = String(res.headers['sec-websocket-extensions'] ?? '')));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, extensions }));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<Buffer> {
  return new Promise((resolve) => ws.once('message', (d) => resolve(d as Buffer)));
}

describe('listenWebSocket', () => {
  it('listens on an ephemeral port for port -1 and reports it', async () => {
    const { listener } = await echoServer();
    assert.ok(listener.port > 0);
    assert.equal(listener.host, '127.0.0.1');
  });

  it('carries binary and text messages both ways for a ws client, on any path', async () => {
    const { listener, peers } = await echoServer();
    const { ws } = await wsClient(listener.port);
    ws.send(Buffer.from('PING\r\n'));
    assert.equal(dec(await nextMessage(ws)), 'PING\r\n');
    ws.send('PUB a 1\r\nx\r\n');
    assert.equal(dec(await nextMessage(ws)), 'PUB a 1\r\nx\r\n');
    assert.equal(dec(Buffer.concat(peers[0].received)), 'PING\r\nPUB a 1\r\nx\r\n');
    ws.close();
    await until(() => peers[0].closed, 'closed()');
  });

  it('negotiates permessage-deflate and round-trips compressed messages with a ws client', async () => {
    const { listener, peers } = await echoServer(true);
    const { ws, extensions } = await wsClient(listener.port, { perMessageDeflate: { threshold: 0 } });
    assert.equal(extensions, 'permessage-deflate; server_no_context_takeover; client_no_context_takeover');
    const big = 'MSG x 1 100000\r\n' + 'abc'.repeat(33_000) + '\r\n';
    ws.send(Buffer.from(big));
    assert.equal(dec(await nextMessage(ws)), big);
    ws.send(Buffer.from('PING\r\n'));
    assert.equal(dec(await nextMessage(ws)), 'PING\r\n');
    assert.equal(dec(Buffer.concat(peers[0].received)), big + 'PING\r\n');
    ws.close();
  });

  it('ignores the deflate offer when compression is off', async () => {
    const { listener } = await echoServer(false);
    const { ws, extensions } = await wsClient(listener.port, { perMessageDeflate: true });
    assert.equal(extensions, '');
    ws.close();
  });

  it('compresses what it sends when a flush is over 64 bytes, and not below', async () => {
    const { listener } = await echoServer(true);
    const c = await RawClient.upgraded(listener.port, 'Sec-WebSocket-Extensions: permessage-deflate\r\n');
    c.send(frame(0x82, enc('x'.repeat(100))));
    const big = await c.frame();
    assert.equal(big.b0, 0xc2);
    const inflated = inflateRawSync(Buffer.concat([big.payload, Buffer.from([0, 0, 0xff, 0xff])]), {
      finishFlush: 2, // Z_SYNC_FLUSH: the stream has no final block
    });
    assert.equal(inflated.toString(), 'x'.repeat(100));
    c.send(frame(0x82, enc('PING\r\n')));
    assert.deepEqual(await c.frame(), { b0: 0x82, payload: Buffer.from('PING\r\n') });
    c.socket.destroy();
  });

  it('completes a handshake that arrives over several reads', async () => {
    const { listener } = await echoServer();
    const c = new RawClient(listener.port);
    const req = upgradeRequest();
    for (const part of [req.slice(0, 5), req.slice(5, 60), req.slice(60)]) {
      c.send(part);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.match(await c.head(), /Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=\r\n/);
    c.send(frame(0x82, enc('hi')));
    assert.deepEqual(await c.frame(), { b0: 0x82, payload: Buffer.from('hi') });
    c.socket.destroy();
  });

  it('closes with 1002 "mask bit missing" on an unmasked frame, then ends', async () => {
    const { listener, peers } = await echoServer();
    const c = await RawClient.upgraded(listener.port);
    c.send(frame(0x82, enc('PING\r\n'), false));
    assert.deepEqual(await c.closeFrame(), [1002, 'mask bit missing']);
    await until(() => c.ended && peers[0].closed, 'the end of the connection');
    assert.deepEqual(peers[0].received, []);
  });

  it('delivers data that came before a protocol error, then closes with the error', async () => {
    const { listener, peers } = await echoServer();
    const c = await RawClient.upgraded(listener.port);
    c.send(Uint8Array.from([...frame(0x82, enc('PING\r\n')), ...frame(0x83, enc('x'))]));
    assert.deepEqual(await c.frame(), { b0: 0x82, payload: Buffer.from('PING\r\n') });
    assert.deepEqual(await c.closeFrame(), [1002, 'unknown opcode 3']);
    await until(() => peers[0].closed, 'closed()');
  });

  it('takes unmasked frames from a client that asked for Nats-No-Masking', async () => {
    const { listener } = await echoServer();
    const c = new RawClient(listener.port);
    c.send(upgradeRequest('Nats-No-Masking: true\r\n'));
    assert.match(await c.head(), /\r\nNats-No-Masking: true\r\n\r\n$/);
    c.send(frame(0x82, enc('PING\r\n'), false));
    assert.deepEqual(await c.frame(), { b0: 0x82, payload: Buffer.from('PING\r\n') });
    c.socket.destroy();
  });

  it('answers a ping with a pong carrying its payload', async () => {
    const { listener, peers } = await echoServer();
    const c = await RawClient.upgraded(listener.port);
    c.send(frame(0x89, enc('abc')));
    assert.deepEqual(await c.frame(), { b0: 0x8a, payload: Buffer.from('abc') });
    assert.deepEqual(peers[0].received, []);
    c.socket.destroy();
  });

  it('joins fragments and answers control frames sent between them', async () => {
    const { listener, peers } = await echoServer(false, () => {
      // record only: the pong must be the one frame the client gets
    });
    const c = await RawClient.upgraded(listener.port);
    c.send(frame(0x02, enc('PI')));
    c.send(frame(0x89, enc('p')));
    c.send(frame(0x00, enc('NG')));
    c.send(frame(0x80, enc('\r\n')));
    assert.deepEqual(await c.frame(), { b0: 0x8a, payload: Buffer.from('p') });
    await until(() => dec(Buffer.concat(peers[0].received)) === 'PING\r\n', 'the whole message');
    c.socket.destroy();
  });

  it('answers a close by sending pending data, echoing the close, and ending', async () => {
    const { listener, peers } = await echoServer();
    const c = await RawClient.upgraded(listener.port);
    c.send(Uint8Array.from([...frame(0x82, enc('PING\r\n')), ...frame(0x88, Uint8Array.from([0x03, 0xe8, ...enc('bye')]))]));
    assert.deepEqual(await c.frame(), { b0: 0x82, payload: Buffer.from('PING\r\n') });
    assert.deepEqual(await c.closeFrame(), [1000, 'bye']);
    await until(() => c.ended && peers[0].closed, 'the end of the connection');
  });

  it('end(reason) sends what is queued, then the close nats-server sends for that reason', async () => {
    const { listener } = await echoServer(false, (peer) => {
      peer.conn.write(enc("-ERR 'Unknown Protocol Operation'\r\n"));
      (peer.conn as Conn & { end(reason?: string): void }).end('Protocol Violation');
    });
    const c = await RawClient.upgraded(listener.port);
    c.send(frame(0x82, enc('FOO\r\n')));
    assert.equal((await c.frame()).payload.toString(), "-ERR 'Unknown Protocol Operation'\r\n");
    assert.deepEqual(await c.closeFrame(), [1002, 'Protocol Violation']);
    await until(() => c.ended, 'the socket to end');
  });

  it('destroy() drops the connection without a close frame', async () => {
    const { listener, peers } = await echoServer(false, (peer) => {
      peer.conn.write(enc('never sent'));
      peer.conn.destroy();
    });
    const c = await RawClient.upgraded(listener.port);
    c.send(frame(0x82, enc('x')));
    await until(() => c.ended && peers[0].closed, 'the end of the connection');
    assert.equal(c.buf.length, 0);
  });

  it('reports pending bytes, asks the writer to wait, and drains when the client reads', async () => {
    const { listener, peers } = await echoServer();
    const c = await RawClient.upgraded(listener.port);
    c.socket.pause();
    await until(() => peers.length === 1, 'the connection');
    const conn = peers[0].conn;
    let ok = true;
    for (let i = 0; i < 200 && ok; i++) ok = conn.write(new Uint8Array(256 * 1024));
    assert.equal(ok, false);
    assert.ok(conn.pending > 0);
    c.socket.resume();
    await until(() => peers[0].drains > 0, 'drain()');
    await until(() => conn.pending === 0, 'an empty buffer');
    c.socket.destroy();
  });

  it('answers HTTP errors as nats-server does and upgrades a later request on the connection', async () => {
    const { listener } = await echoServer();
    const c = new RawClient(listener.port);
    c.send(upgradeRequest().replace('GET', 'POST'));
    const head = await c.head();
    assert.match(head, /^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    assert.match(head, /\r\nContent-Length: 19\r\n/);
    await until(() => c.buf.length >= 19, 'the body');
    assert.equal(c.buf.subarray(0, 19).toString(), 'Method Not Allowed\n');
    c.buf = c.buf.subarray(19);
    c.send(upgradeRequest());
    assert.match(await c.head(), /^HTTP\/1\.1 101 /);
    c.socket.destroy();
  });

  it('closes the connection after a request Go would not read', async () => {
    const { listener } = await echoServer();
    const c = new RawClient(listener.port);
    c.send('hello world\r\n\r\n');
    await until(() => c.ended, 'the socket to end');
    assert.equal(c.buf.toString(), 'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request');
  });

  it('stops accepting connections once closed', async () => {
    const { listener } = await echoServer();
    await listener.close();
    const c = new RawClient(listener.port);
    await until(() => c.ended, 'the refused connection');
    assert.equal(c.buf.length, 0);
  });

  it('serves a nats.ws client', async () => {
    // nats.ws looks for a global WebSocket, which Node 20 does not have.
    (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
    const { connect } = await import('nats.ws');
    const ops: string[] = [];
    const info = 'INFO {"server_id":"t","version":"2.9.10","proto":1,"headers":true,"max_payload":1048576}\r\n';
    const { listener, peers } = await echoServer(
      true,
      (peer, bytes) => {
        for (const line of dec(bytes).split('\r\n').filter(Boolean)) {
          ops.push(line.split(' ')[0]);
          if (line === 'PING') peer.conn.write(enc('PONG\r\n'));
        }
      },
      info,
    );
    const nc = await connect({ servers: `ws://127.0.0.1:${listener.port}`, reconnect: false, timeout: 2000 });
    await nc.flush();
    await nc.close();
    assert.deepEqual(ops, ['CONNECT', 'PING', 'PING']);
    await until(() => peers[0].closed, 'closed()');
  });
});
