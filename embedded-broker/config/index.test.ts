import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_OPTIONS } from '../server/options.ts';
import { loadBrokerOptions } from './index.ts';

describe('loadBrokerOptions without a file', () => {
  it('gives the defaults for no arguments', () => {
    assert.deepEqual(loadBrokerOptions([], {}), { options: DEFAULT_OPTIONS, warnings: [] });
  });

  it('applies flags over the defaults', () => {
    const { options } = loadBrokerOptions(['-p', '-1', '-n', 'hub', '-DV', '--ports_file_dir', '/tmp/p'], {});
    assert.equal(options.port, -1);
    assert.equal(options.serverName, 'hub');
    assert.equal(options.debug, true);
    assert.equal(options.trace, true);
    assert.equal(options.portsFileDir, '/tmp/p');
    assert.equal(options.maxPayload, DEFAULT_OPTIONS.maxPayload);
  });

  it('makes --user, --pass and --auth the authorization', () => {
    assert.deepEqual(loadBrokerOptions(['--user', 'u', '--pass', 'p'], {}).options.authorization, { user: 'u', password: 'p' });
    assert.deepEqual(loadBrokerOptions(['--auth', 't'], {}).options.authorization, { token: 't' });
  });

  it('makes --tlscert, --tlskey, --tlscacert and --tlsverify the TLS configuration', () => {
    assert.deepEqual(loadBrokerOptions(['--tlscert', 'c.pem', '--tlskey', 'k.pem', '--tlscacert', 'ca.pem', '--tlsverify'], {}).options.tls, {
      certFile: 'c.pem', keyFile: 'k.pem', caFile: 'ca.pem', verify: true, timeout: 2000,
    });
    assert.equal(loadBrokerOptions(['--tls=false', '--tlscert', 'c.pem'], {}).options.tls, undefined);
    assert.throws(() => loadBrokerOptions(['--tls'], {}), /^Error: TLS Server certificate must be present and valid$/);
    assert.throws(() => loadBrokerOptions(['--tlscert', 'c.pem'], {}), /^Error: TLS Server private key must be present and valid$/);
  });

  it('puts monitoring on the client host unless told otherwise', () => {
    const { options } = loadBrokerOptions(['-a', '0.0.0.0', '-m', '8222'], {});
    assert.equal(options.httpHost, '0.0.0.0');
    assert.equal(options.httpPort, 8222);
  });

  it('reads -p 0 as the default port, as nats-server does', () => {
    assert.equal(loadBrokerOptions(['-p', '0'], {}).options.port, 4222);
  });

  it('answers --help with the usage text and --version with a flag, version first', () => {
    assert.match(loadBrokerOptions(['-h'], {}).help ?? '', /-p, --port <port>/);
    assert.equal(loadBrokerOptions(['-h', '-v'], {}).version, true);
    assert.equal(loadBrokerOptions(['-h', '-v'], {}).help, undefined);
  });

  it('refuses -t without -c, as nats-server does', () => {
    assert.throws(() => loadBrokerOptions(['-t'], {}), /must specify \[-c, --config\] option/);
  });

  it('refuses ports out of range given as flags', () => {
    assert.throws(() => loadBrokerOptions(['-p', '70000'], {}), /port must be between -1 and 65535, got 70000/);
    assert.throws(() => loadBrokerOptions(['-m', '-5'], {}), /http_port must be between -1 and 65535/);
  });

  it('carries warnings from ignored flags', () => {
    assert.deepEqual(loadBrokerOptions(['-l', 'x.log'], {}).warnings, ['ignoring flags we do not implement: -l (use nats-server for these)']);
  });
});
