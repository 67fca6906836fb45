import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { assertMentions, problemLine } from './expect-problem.ts';
import { ConfigError, loadConfig } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'hearth-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `text` to a file in the test directory; returns its name relative to it. */
function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}
const load = (argv: string[], env: Record<string, string> = {}) => () => loadConfig(argv, env, { cwd: dir });

describe('loadConfig with a file', () => {
  const conf = file('layers.conf', [
    '# every layer sets some of these',
    'data: "from-file"',
    'http: 0.0.0.0:9000',
    'log { level: warn, format: json }',
    'broker {',
    '  url: "nats://file:4222"',
    '  port: 5222',
    '  max_payload: 2MB',
    '}',
    '',
  ].join('\n'));

  it('layers defaults < file < env < flags key by key', () => {
    const env = { HEARTH_HTTP: '0.0.0.0:9100', HEARTH_LOG__LEVEL: 'error', HEARTH_BROKER__URL: 'nats://env:4222' };
    const { config, sources, configFile } = loadConfig(['--config', conf, '--broker', 'nats://flag:4222', '--log-level', 'debug'], env, { cwd: dir });
    const got = {
      data: config.data, http: config.http, level: config.log.level, format: config.log.format,
      url: config.broker.url, port: config.broker.port, payload: config.broker.max_payload, host: config.broker.host,
    };
    assert.deepEqual(got, {
      data: join(dir, 'from-file'), // file
      http: '0.0.0.0:9100', // env over file
      level: 'debug', // flag over env over file
      format: 'json', // file
      url: 'nats://flag:4222', // flag over env over file
      port: 5222, // file
      payload: 2 * 1024 * 1024, // file, a size with a suffix
      host: '127.0.0.1', // default
    });
    assert.deepEqual(sources.data, { kind: 'file', file: conf, line: 2, column: 1 });
    assert.deepEqual(sources['broker.port'], { kind: 'file', file: conf, line: 7, column: 3 });
    assert.deepEqual(sources.http, { kind: 'env', name: 'HEARTH_HTTP' });
    assert.deepEqual(sources['log.level'], { kind: 'flag', name: '--log-level' });
    assert.deepEqual(sources['broker.host'], { kind: 'default' });
    assert.equal(configFile, join(dir, conf));
  });

  it('reads JSON, and $NAME from the environment', () => {
    const json = file('hearth.json', JSON.stringify({ broker: { url: 'nats://j:4222', password: '$SECRET' }, services: { chat: { instances: 2 } } }));
    assert.equal(loadConfig(['--config', json], {}, { cwd: dir }).config.services.chat?.instances, 2);
    const conf2 = file('vars.conf', 'broker { url: "nats://j:4222", password: $NATS_PW }\n');
    assert.equal(loadConfig(['--config', conf2], { NATS_PW: 'hunter2' }, { cwd: dir }).config.broker.password, 'hunter2');
  });

  it('loads the example configuration in config/', () => {
    const example = resolve(import.meta.dirname, '../../config/hearth.example.conf');
    const { config } = loadConfig(['--config', example], {}, { cwd: dir });
    assert.equal(config.services.location?.instances, 2);
    assert.equal(config.kit.max_request_bytes, 256 * 1024);
  });

  const errors: { name: string; text: string; key: string; says: (f: string) => string[] }[] = [
    { name: 'an unknown key, with a suggestion', text: 'http: "127.0.0.1:1"\n\nbrokr { url: "nats://x:1" }\n', key: 'brokr',
      says: (f) => ['{…}', `file ${f}:3:1`, 'unknown key `brokr` (did you mean `broker`?)', 'allowed: the keys data, http, log, broker, services, supervisor, backup, replication, public_url, users, location, notifications, gateway, web, https, oidc, kit'] },
    { name: 'an unknown nested key', text: 'log {\n  levle: debug\n}\n', key: 'log.levle',
      says: (f) => ['"debug"', `file ${f}:2:3`, 'did you mean `level`?', 'allowed: the keys level, format'] },
    { name: 'a dotted key', text: 'broker.port: 1\n', key: 'broker.port',
      says: (f) => ['= 1', `file ${f}:1:1`, 'did you mean `broker { port: … }`?'] },
    { name: 'a bad type', text: 'broker {\n  port: "4222"\n}\n', key: 'broker.port',
      says: (f) => ['"4222"', `file ${f}:2:3`, 'wrong type (a string)', 'allowed: an integer from 1 to 65535'] },
    { name: 'a list where a section goes', text: 'services: [users]\n', key: 'services',
      says: (f) => ['[…1 item]', `file ${f}:1:1`, 'wrong type (a list)', 'a section of services by name'] },
    { name: 'a value out of range', text: 'supervisor { ready_timeout_ms: 5 }\n', key: 'supervisor.ready_timeout_ms',
      says: (f) => ['= 5', `file ${f}:1:14`, 'out of range', 'milliseconds from 100 to 86400000'] },
    { name: 'a service without an entry', text: 'services {\n  widgets { instances: 2 }\n}\n', key: 'services.widgets.entry',
      says: (f) => ['(missing)', `file ${f}:2:3`, '`widgets` is not a built-in service'] },
    { name: 'a secret of the wrong type, redacted', text: 'broker { password: 987654 }\n', key: 'broker.password',
      says: (f) => ['= [redacted]', `file ${f}:1:10`, 'wrong type (a number)', 'allowed: a string'] },
    { name: 'a syntax error, with its line', text: 'log {\n  level: info\n  format: [json\n}\n', key: '--config',
      says: (f) => ['"}"', `file ${f}:4:1`, 'syntax error: expected an array value terminator', 'allowed: a readable file in nats-server configuration syntax'] },
    { name: 'an unknown $NAME', text: 'broker { url: $NOPE }\n', key: '--config',
      says: (f) => [`file ${f}:1:15`, "variable reference for 'NOPE' can not be found"] },
  ];
  for (const [i, e] of errors.entries()) {
    it(`reports ${e.name}, naming key, value, source and what is allowed`, () => {
      const f = file(`error-${i}.conf`, e.text);
      assertMentions(problemLine(load(['--config', f]), e.key), e.says(f));
    });
  }

  it('never shows a secret from the file in an error', () => {
    const f = file('secret.conf', 'broker { password: 987654, token: [x], passwrd: "hunter2" }\n');
    assert.throws(load(['--config', f]), (err: ConfigError) => {
      assert.equal(err.problems.length, 3);
      return !/987654|hunter2|\bx\b/.test(err.message);
    });
  });

  it('reports a missing file with the flag that named it', () => {
    assertMentions(problemLine(load(['--config', 'nope.conf']), '--config'), [
      '"nope.conf"', 'flag --config', 'cannot read the file (ENOENT)', 'allowed: a readable file',
    ]);
  });

  it('still reports the other layers when the file is missing', () => {
    assert.throws(load(['--config', 'nope.conf', '--log-level', 'loud']), (err: ConfigError) =>
      err.problems.map((p) => p.key).join() === '--config,log.level');
  });
});

describe('loadConfig and the data directory', () => {
  it('does not create or touch the data directory, loaded or refused', () => {
    const data = join(dir, 'untouched', 'data');
    const before = readdirSync(dir).sort();
    loadConfig(['--data', data], {}, { cwd: dir });
    loadConfig([], { HEARTH_DATA: data, HEARTH_SERVICES__USERS__DB__SYNC_URL: 'libsql://p.example.io' }, { cwd: dir });
    assert.throws(load(['--data', data, '--http', 'bad']));
    assert.equal(existsSync(join(dir, 'untouched')), false);
    assert.deepEqual(readdirSync(dir).sort(), before);
  });
});
