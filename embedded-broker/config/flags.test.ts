import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags } from './flags.ts';

describe('parseFlags', () => {
  const cases: [string[], object][] = [
    [['-p', '4333'], { port: 4333 }],
    [['--port=4333'], { port: 4333 }],
    [['-port', '-1'], { port: -1 }],
    [['-a', '0.0.0.0'], { host: '0.0.0.0' }],
    [['--addr', 'h'], { host: 'h' }],
    [['--net=h'], { host: 'h' }],
    [['-n', 'hub'], { serverName: 'hub' }],
    [['--name', 'hub'], { serverName: 'hub' }],
    [['--server_name=hub'], { serverName: 'hub' }],
    [['-m', '8222'], { httpPort: 8222 }],
    [['--http_port', '8222'], { httpPort: 8222 }],
    [['--ports_file_dir', '/tmp/x'], { portsFileDir: '/tmp/x' }],
    [['-D'], { debug: true }],
    [['--debug'], { debug: true }],
    [['-V'], { trace: true }],
    [['--trace'], { trace: true }],
    [['-DV'], { debug: true, trace: true }],
    [['-DV=false'], { debug: false, trace: false }],
    [['-D=0', '-V=t'], { debug: false, trace: true }],
    [['-p', '0x10'], { port: 16 }],
  ];
  for (const [argv, options] of cases) {
    it(`reads ${argv.join(' ')}`, () => assert.deepEqual(parseFlags(argv).options, options));
  }

  it('reads the config file, auth flags, help, version and -t', () => {
    const p = parseFlags(['-c', 'b.conf', '--user', 'u', '--pass=p', '--auth', 't', '-t']);
    assert.equal(p.configFile, 'b.conf');
    assert.deepEqual(p.auth, { user: 'u', password: 'p', token: 't' });
    assert.equal(p.checkConfig, true);
    assert.equal(parseFlags(['--config=x.conf']).configFile, 'x.conf');
    assert.equal(parseFlags(['-h']).help, true);
    assert.equal(parseFlags(['--help']).help, true);
    assert.equal(parseFlags(['-v']).version, true);
    assert.equal(parseFlags(['--version']).version, true);
  });

  it('does not let a boolean flag take the next argument', () => {
    assert.throws(() => parseFlags(['-D', 'false']), /unrecognized command: "false"/);
  });

  it('accepts the words version and help after the flags, as nats-server does', () => {
    assert.equal(parseFlags(['-p', '1', 'version']).version, true);
    assert.equal(parseFlags(['HELP']).help, true);
  });

  it('stops at --', () => {
    assert.throws(() => parseFlags(['--', '-p']), /unrecognized command: "-p"/);
  });

  it('warns about nats-server flags it ignores, once', () => {
    const p = parseFlags(['-l', 'x.log', '-T=false', '--cluster', 'nats://h:6222', '-l', 'y.log']);
    assert.deepEqual(p.warnings, ['ignoring flags we do not implement: -l, -T, -cluster (use nats-server for these)']);
    assert.deepEqual(p.options, {});
  });

  const errors: [string[], RegExp][] = [
    [['--bogus'], /^Error: flag provided but not defined: -bogus \(run with --help for the list of flags\)$/],
    [['-VD'], /flag provided but not defined: -VD/],
    [['--max_payload', '1'], /flag provided but not defined: -max_payload/],
    [['--http', 'h:1'], /flag provided but not defined: -http/],
    [['-p', 'abc'], /^Error: invalid value "abc" for flag -p: parse error/],
    [['-p', '1.5'], /invalid value "1.5" for flag -p/],
    [['-p'], /^Error: flag needs an argument: -p/],
    [['-D=maybe'], /^Error: invalid boolean value "maybe" for -D: parse error/],
    [['---p', '1'], /^Error: bad flag syntax: ---p/],
    [['serve'], /^Error: unrecognized command: "serve"/],
    [['--https_port', '8443'], /monitoring over HTTPS is not supported by this broker/],
    [['-js'], /JetStream is not supported by this broker/],
    [['--store_dir', '/x'], /JetStream is not supported/],
  ];
  for (const [argv, re] of errors) {
    it(`refuses ${argv.join(' ')}`, () => assert.throws(() => parseFlags(argv), re));
  }

  it('lets JetStream flags through when they say false', () => {
    assert.deepEqual(parseFlags(['-js=false']).options, {});
  });

  it('reads the TLS flags', () => {
    assert.deepEqual(parseFlags(['--tlscert', 'c.pem', '--tlskey=k.pem', '--tlscacert', 'ca.pem', '--tlsverify']).tls, {
      cert: 'c.pem', key: 'k.pem', ca: 'ca.pem', verify: true,
    });
    assert.deepEqual(parseFlags(['--tls=false']).tls, { enable: false });
  });
});
