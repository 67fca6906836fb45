import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadBrokerOptions } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'broker-load-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function confFile(text: string): string {
  const file = join(dir, `b${n++}.conf`);
  writeFileSync(file, text);
  return file;
}

describe('loadBrokerOptions with a configuration file', () => {
  it('reads the file named by -c over the defaults', () => {
    const file = confFile('listen: "0.0.0.0:4333"\nmax_payload: 64kb\nping_interval: "10s"\nlame_duck_duration: "30s"\nlame_duck_grace_period: "1s"');
    const { options, warnings, configFile } = loadBrokerOptions(['-c', file], {});
    assert.equal(configFile, file);
    assert.deepEqual(warnings, []);
    assert.equal(options.host, '0.0.0.0');
    assert.equal(options.port, 4333);
    assert.equal(options.httpHost, '0.0.0.0');
    assert.equal(options.maxPayload, 64 * 1024);
    assert.equal(options.pingInterval, 10_000);
    assert.equal(options.lameDuckDuration, 30_000);
    assert.equal(options.lameDuckGracePeriod, 1000);
    assert.equal(options.maxConnections, 64 * 1024);
  });

  it('resolves a relative path from the working directory', () => {
    const file = confFile('server_name: rel');
    assert.equal(loadBrokerOptions(['--config', relative(process.cwd(), file)], {}).options.serverName, 'rel');
  });

  it('lets flags override the file, whatever their order', () => {
    const file = confFile('port: 5000\ndebug: true\nhttp: "127.0.0.3:8222"\nauthorization { user: a, password: b }');
    const { options } = loadBrokerOptions(['-p', '6000', '-D=false', '-c', file, '--pass', 'flagpw', '-a', '0.0.0.0'], {});
    assert.equal(options.port, 6000);
    assert.equal(options.debug, false);
    assert.equal(options.host, '0.0.0.0');
    // The file's http host stays: only an unset monitoring host follows the client host.
    assert.equal(options.httpHost, '127.0.0.3');
    assert.deepEqual(options.authorization, { user: 'a', password: 'flagpw' });
  });

  it('resolves $NAME from the environment it is given', () => {
    const file = confFile('authorization { token: $BROKER_TOKEN }');
    assert.deepEqual(loadBrokerOptions(['-c', file], { BROKER_TOKEN: 's3cret' }).options.authorization, { token: 's3cret' });
    assert.throws(() => loadBrokerOptions(['-c', file], {}), /variable reference for 'BROKER_TOKEN' can not be found/);
  });

  it('gathers warnings from flags and file', () => {
    const file = confFile('cluster { port: 6222 }\nwrite_deadline: 2');
    const { warnings } = loadBrokerOptions(['-c', file, '-T'], {});
    assert.equal(warnings.length, 3);
    assert.match(warnings[0], /ignoring flags we do not implement: -T/);
    assert.match(warnings[1], /ignoring configuration we do not implement: cluster/);
    assert.match(warnings[2], /write_deadline should be converted to a duration/);
  });

  it('reports -t as checkConfig once the file is valid', () => {
    assert.equal(loadBrokerOptions(['-t', '-c', confFile('port: 1')], {}).checkConfig, true);
  });

  it('names the file, line and column of a mistake', () => {
    const file = confFile('port: 1\ndebug: maybe\n');
    assert.throws(() => loadBrokerOptions(['-c', file], {}), {
      name: 'ConfError',
      message: `${file}:2:1: debug: expected true or false, got the string "maybe"`,
    });
  });

  it('says when the file cannot be read', () => {
    assert.throws(() => loadBrokerOptions(['-c', join(dir, 'missing.conf')], {}), /^Error: error opening config file: ENOENT/);
  });

  it('makes the checks nats-server makes before starting', () => {
    assert.throws(
      () => loadBrokerOptions(['-c', confFile('max_payload: 2MB\nmax_pending: 1MB')], {}),
      /max_payload \(2097152\) cannot be higher than max_pending \(1048576\)/,
    );
    assert.throws(
      () => loadBrokerOptions(['-c', confFile('lame_duck_duration: "30s"\nlame_duck_grace_period: "30s"')], {}),
      /lame duck grace period \(30s\) should be strictly lower than lame duck duration \(30s\)/,
    );
  });
});
