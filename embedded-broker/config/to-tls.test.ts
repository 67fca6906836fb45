import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConf } from './parse-conf.ts';
import { field } from './conf-values.ts';
import type { ReadContext } from './conf-values.ts';
import { toTls } from './to-tls.ts';

/** Reads `tls { ... }` written in configuration syntax. */
function tls(body: string) {
  const conf = parseConf(`tls ${body}`, 'broker.conf', {});
  const ctx: ReadContext = { warnings: [], ignored: [] };
  return { result: toTls(field(conf, 'tls'), conf.tls, ctx), ...ctx };
}

describe('toTls', () => {
  it('reads the files, verify and the handshake timeout', () => {
    assert.deepEqual(tls('{ cert_file: c.pem, key_file: k.pem, ca_file: ca.pem, verify: true, timeout: 0.5 }').result, {
      certFile: 'c.pem', keyFile: 'k.pem', caFile: 'ca.pem', verify: true, timeout: 500,
    });
  });

  it('takes the timeout as seconds or a duration, 2 s by default', () => {
    assert.equal(tls('{ cert_file: c, key_file: k, timeout: 3 }').result.timeout, 3000);
    assert.equal(tls('{ cert_file: c, key_file: k, timeout: "250ms" }').result.timeout, 250);
    assert.equal(tls('{ cert_file: c, key_file: k }').result.timeout, 2000);
    assert.throws(() => tls('{ cert_file: c, key_file: k, timeout: true }'), /tls.timeout: error parsing tls config, 'timeout' wrong type/);
  });

  it('refuses what it cannot honour rather than accept clients the file means to refuse', () => {
    for (const [body, re] of [
      ['{ cert_file: c, key_file: k, verify_and_map: true }', /^ConfError: broker.conf:1:34: tls.verify_and_map: tls verify_and_map \(client certificates mapped to users\) is not supported by this broker; use nats-server for it$/],
      ['{ cert_file: c, key_file: k, cipher_suites: ["TLS_AES_128_GCM_SHA256"] }', /cipher_suites .* not supported/],
      ['{ cert_file: c, key_file: k, pinned_certs: ["ab"] }', /pinned_certs is not supported/],
      ['{ cert_file: c, key_file: k, handshake_first: true }', /handshake_first .* not supported/],
    ] as const) {
      assert.throws(() => tls(body), re);
    }
  });

  it('refuses a block without its certificate or key, and unknown fields, as nats-server does', () => {
    assert.throws(() => tls('{ key_file: k }'), /^ConfError: broker.conf:1:1: tls: missing 'cert_file' in TLS configuration$/);
    assert.throws(() => tls('{ cert_file: c }'), /missing 'key_file'/);
    assert.throws(() => tls('{ cert_file: c, key_file: k, cert: x }'), /tls.cert: error parsing tls config, unknown field "cert"/);
    assert.throws(() => tls('{ cert_file: c, key_file: k, verify: "yes" }'), /tls.verify: expected true or false/);
  });

  it('ignores insecure (for routes), naming it', () => {
    assert.deepEqual(tls('{ cert_file: c, key_file: k, insecure: true }').ignored, ['tls.insecure']);
  });
});
