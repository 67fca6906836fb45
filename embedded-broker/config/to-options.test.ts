import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConf } from './parse-conf.ts';
import { toOptions } from './to-options.ts';

const read = (text: string) => toOptions(parseConf(text, 'broker.conf', {}));

describe('toOptions', () => {
  const cases: [string, string, object][] = [
    ['host and port', 'host: 0.0.0.0\nport: 4333', { host: '0.0.0.0', port: 4333 }],
    ['net as host', 'net: 10.0.0.1', { host: '10.0.0.1' }],
    ['listen as host:port', 'listen: "127.0.0.2:-1"', { host: '127.0.0.2', port: -1 }],
    ['listen as a port only', 'listen: 4333', { port: 4333 }],
    ['server_name', 'server_name: hub', { serverName: 'hub' }],
    ['http as host:port', 'http: "0.0.0.0:8222"', { httpHost: '0.0.0.0', httpPort: 8222 }],
    ['http as a port', 'http: 8222', { httpPort: 8222 }],
    ['http_port and monitor_port', 'http_port: 1\nmonitor_port: 2', { httpPort: 2 }],
    ['sizes and limits', 'max_payload: 2MB\nmax_control_line: 1kb\nmax_pending: 10MB\nmax_connections: 10\nping_max: 3', {
      maxPayload: 2 * 1024 * 1024, maxControlLine: 1024, maxPending: 10 * 1024 * 1024, maxConnections: 10, pingMax: 3,
    }],
    ['max_conn', 'max_conn: 5', { maxConnections: 5 }],
    ['durations as strings', 'ping_interval: "2m"\nwrite_deadline: "500ms"\nlame_duck_duration: "45s"\nlame_duck_grace_period: "5s"', {
      pingInterval: 120_000, writeDeadline: 500, lameDuckDuration: 45_000, lameDuckGracePeriod: 5000,
    }],
    ['0 as "the default"', 'max_payload: 0\nping_interval: "0s"', {}],
    ['debug, trace and trace_verbose', 'debug: true\ntrace_verbose: true', { debug: true, trace: true }],
    ['ports_file_dir', 'ports_file_dir: "/tmp"', { portsFileDir: '/tmp' }],
    ['authorization', 'authorization { token: t, timeout: 2 }', { authorization: { token: 't', timeout: 2000 } }],
    ['tls', 'tls { cert_file: c.pem, key_file: k.pem }', { tls: { certFile: 'c.pem', keyFile: 'k.pem', verify: false, timeout: 2000 } }],
    ['websocket under its short name', 'ws { port: 1, no_tls: true }', { websocket: { host: '127.0.0.1', port: 1, noTls: true, compression: false } }],
    ['keys in any case', 'PORT: 1\nServer_Name: x', { port: 1, serverName: 'x' }],
  ];
  for (const [name, text, expected] of cases) {
    it(`reads ${name}`, () => assert.deepEqual(read(text).options, expected));
  }

  it('names all ignored settings in one warning', () => {
    const { warnings } = read('cluster { port: 6222 }\nleafnodes {}\nserver_tags: [a]\nmqtt { port: 1883 }\nwebsocket { port: 1, no_tls: true, same_origin: true }');
    assert.deepEqual(warnings, [
      'ignoring configuration we do not implement: cluster, leafnodes, server_tags, mqtt, websocket.same_origin (use nats-server for these)',
    ]);
  });

  it('refuses settings that decide who may connect instead of ignoring them', () => {
    for (const conf of ['accounts { A: { users: [ { user: a, password: b } ] } }', 'no_auth_user: a', 'websocket { port: 1, no_tls: true, authorization { token: x } }']) {
      assert.throws(() => read(conf), /not supported by this broker; use nats-server/, conf);
    }
  });

  it('warns, with the place, about durations given as seconds', () => {
    const { options, warnings } = read('port: 1\nping_interval: 30');
    assert.equal(options.pingInterval, 30_000);
    assert.deepEqual(warnings, ['broker.conf:2:1: ping_interval: ping_interval should be converted to a duration (a number is read as seconds)']);
  });

  it('gives no warnings for a plain file', () => assert.deepEqual(read('port: 1').warnings, []));

  it('skips a top-level key that exists only to be referenced', () => {
    assert.deepEqual(read('TOKEN: abc\nauthorization { token: $TOKEN }').options, { authorization: { token: 'abc' } });
  });

  const errors: [string, RegExp][] = [
    ['port: "abc"', /^ConfError: broker.conf:1:1: port: expected an integer, got the string "abc"$/],
    ['port: 70000', /port: port must be between -1 and 65535/],
    ['debug: 1', /debug: expected true or false/],
    ['max_payload: 3gb', /max_payload value is too big/],
    ['foo: 1', /^ConfError: broker.conf:1:1: foo: unknown field "foo"$/],
    ['monitor: 8222', /unknown field "monitor"/],
    ['lame_duck_duration: "10s"', /invalid lame_duck_duration of 10s, minimum is 30 seconds/],
    ['lame_duck_duration: 60', /lame_duck_duration: expected a string/],
    ['lame_duck_grace_period: "-1s"', /invalid lame_duck_grace_period, needs to be positive/],
    ['ping_interval: 1.5', /ping_interval: expected an integer/],
    ['listen: "nohost"', /could not parse address string "nohost"/],
    ['tls { cert_file: x }', /^ConfError: broker.conf:1:1: tls: missing 'key_file' in TLS configuration$/],
    ['https: 8443', /monitoring over HTTPS is not supported/],
    ['jetstream { store_dir: x }', /jetstream: JetStream is not supported by this broker; use nats-server for JetStream/],
    ['jetstream: enabled', /JetStream is not supported/],
  ];
  for (const [text, re] of errors) {
    it(`refuses ${text}`, () => assert.throws(() => read(text), re));
  }
});
