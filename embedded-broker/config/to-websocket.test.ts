import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConf } from './parse-conf.ts';
import { field } from './conf-values.ts';
import type { ReadContext } from './conf-values.ts';
import { toWebSocket } from './to-websocket.ts';

/** Reads `websocket { ... }` written in configuration syntax. */
function ws(body: string) {
  const conf = parseConf(`websocket ${body}`, 'broker.conf', {});
  const ctx: ReadContext = { warnings: [], ignored: [] };
  return { result: toWebSocket(field(conf, 'websocket'), conf.websocket, ctx), ...ctx };
}

describe('toWebSocket', () => {
  it('reads port, host, no_tls and compression', () => {
    assert.deepEqual(ws('{ port: 8080, host: "0.0.0.0", no_tls: true, compression: true }').result, {
      host: '0.0.0.0',
      port: 8080,
      noTls: true,
      compression: true,
    });
  });

  it('reads listen and the compress spelling, and defaults the host to ours', () => {
    assert.deepEqual(ws('{ listen: "127.0.0.2:-1", no_tls: true, compress: false }').result, {
      host: '127.0.0.2',
      port: -1,
      noTls: true,
      compression: false,
    });
    assert.equal(ws('{ port: 1, no_tls: true }').result?.host, '127.0.0.1');
  });

  it('leaves websocket off when the port is 0 or missing', () => {
    assert.equal(ws('{ port: 0 }').result, undefined);
    assert.equal(ws('{ no_tls: true }').result, undefined);
  });

  it('refuses a port without no_tls, with nats-server\'s reason', () => {
    assert.throws(() => ws('{ port: 8080 }'), /^ConfError: broker.conf:1:1: websocket: websocket requires TLS configuration: add a tls block, or set no_tls: true/);
    assert.throws(() => ws('{ port: 8080, no_tls: false }'), /websocket requires TLS configuration/);
  });

  it('serves wss:// with a tls block, even with no_tls: true, as nats-server does', () => {
    for (const extra of ['', ', no_tls: true']) {
      assert.deepEqual(ws(`{ port: 8443${extra}, tls { cert_file: c.pem, key_file: k.pem, verify: true } }`).result?.tls, {
        certFile: 'c.pem', keyFile: 'k.pem', verify: true, timeout: 2000,
      });
    }
    assert.throws(() => ws('{ port: 8080, no_tls: true, tls { cert_file: "a.pem" } }'), /^ConfError: broker.conf:1:39: websocket.tls: missing 'key_file'/);
  });

  it('names the settings it ignores', () => {
    const { ignored } = ws('{ port: 1, no_tls: true, same_origin: true, allowed_origins: ["x"], handshake_timeout: "2s" }');
    assert.deepEqual(ignored, ['websocket.same_origin', 'websocket.allowed_origins', 'websocket.handshake_timeout']);
  });

  it('refuses unknown fields and wrong types', () => {
    assert.throws(() => ws('{ prt: 1 }'), /websocket.prt: unknown field "prt"/);
    assert.throws(() => ws('{ port: "x" }'), /websocket.port: expected an integer/);
    assert.throws(() => ws('{ port: 1, no_tls: "yes" }'), /websocket.no_tls: expected true or false/);
    assert.throws(() => ws('8080'), /websocket: expected a map, got the number 8080/);
  });
});
