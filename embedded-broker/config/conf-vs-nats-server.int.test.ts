/**
 * Holds our reading of configuration files to nats-server's: each text below is checked
 * with `nats-server -t` (when installed) and with parseConf + toOptions, and both must
 * accept it or both refuse it.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConf } from './parse-conf.ts';
import { toOptions } from './to-options.ts';

const NATS_SERVER = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
const haveNatsServer = existsSync(NATS_SERVER);

const CASES: [string, string, boolean][] = [
  ['plain settings', 'port: 4222\nserver_name: hub\ndebug: true', true],
  ['a JSON document', '{ "port": 4222, "trace": false }', true],
  ['sizes', 'max_payload: 512kb\nmax_pending: 64MB', true],
  ['a value on the line after its key', 'server_name\nhub', true],
  ['text that starts with digits', 'server_name: 10s', true],
  ['an address', 'listen: 127.0.0.1:4222', true],
  ['a host:port string with a free port', 'listen: "127.0.0.1:-1"', true],
  ['duration strings', 'ping_interval: "30s"\nwrite_deadline: "2s"\nlame_duck_duration: "1m"', true],
  ['a key used only as a variable', 'PASS: secret\nauthorization { user: a, password: $PASS }', true],
  ['permissions in every form', 'authorization { users: [ { user: a, password: b, permissions: { publish: "x", subscribe: { allow: ["y"], deny: "z" }, allow_responses: { max: 2, expires: "1m" } } } ] }', true],
  ['a websocket without TLS, said so', 'websocket { port: 8080, no_tls: true }', true],
  ['junk after a value', 'port: 4222 x', false],
  ['an unclosed map', 'authorization { user: a', false],
  ['a string where a port goes', 'port: "abc"', false],
  ['a float where a port goes', 'port: 1.5', false],
  ['a number where a boolean goes', 'debug: 1', false],
  ['an unknown key', 'foo: 1', false],
  ['monitor, which nats-server does not have', 'monitor: 8222', false],
  ['a short lame duck duration', 'lame_duck_duration: "10s"', false],
  ['a bad duration', 'ping_interval: "1x"', false],
  ['token with user', 'authorization { token: a, user: b, password: c }', false],
  ['a user and a users array', 'authorization { user: a, users: [] }', false],
  ['a user entry without user', 'authorization { users: [ { password: b } ] }', false],
  ['duplicate users', 'authorization { users: [ { user: a }, { user: a } ] }', false],
  ['an invalid nkey', 'authorization { users: [ { nkey: UABC } ] }', false],
  ['an invalid permission subject', 'authorization { users: [ { user: a, permissions: { publish: "a..b" } } ] }', false],
  ['an unknown permissions field', 'authorization { users: [ { user: a, permissions: { pubs: "a" } } ] }', false],
  ['a missing variable', 'port: $NOT_DEFINED_ANYWHERE_123', false],
  ['an integer out of range', 'max_pending: 99999999999999999999', false],
  ['a bad escape', 'server_name: "a\\qb"', false],
];

/** nats-server -t also starts nothing, so websocket's "requires TLS" check is not run here. */
function natsServerAccepts(dir: string, text: string): boolean {
  const file = join(dir, 'case.conf');
  writeFileSync(file, text);
  const r = spawnSync(NATS_SERVER, ['-t', '-c', file], { timeout: 5000, encoding: 'utf8' });
  return r.status === 0;
}

function weAccept(text: string): boolean {
  try {
    toOptions(parseConf(text, 'case.conf', {}));
    return true;
  } catch {
    // Refusal is the outcome under test.
    return false;
  }
}

describe('configuration files, compared with nats-server -t', { skip: !haveNatsServer && 'nats-server not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'broker-conf-'));
  for (const [name, text, accepted] of CASES) {
    it(`${accepted ? 'accepts' : 'refuses'} ${name}, as nats-server does`, () => {
      assert.equal(natsServerAccepts(dir, text), accepted, 'nats-server');
      assert.equal(weAccept(text), accepted, 'our parser');
    });
  }
  after(() => rmSync(dir, { recursive: true, force: true }));
});
