import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConf } from './parse-conf.ts';
import { asBool, asDuration, asInt, asListen, asMap, asPort, asString, field } from './conf-values.ts';

const conf = parseConf('port: "abc"\nnest {\n  flag: 1\n}', 'broker.conf', {});

describe('typed reads', () => {
  it('names the key and where it was written when the type is wrong', () => {
    assert.throws(() => asInt(field(conf, 'port'), conf.port), {
      message: 'broker.conf:1:1: port: expected an integer, got the string "abc"',
    });
    const nest = conf.nest as object;
    assert.throws(() => asBool(field(nest, 'flag', 'nest'), 1), {
      message: 'broker.conf:3:3: nest.flag: expected true or false, got the number 1',
    });
  });

  it('omits the place for values that did not come from a file', () => {
    assert.throws(() => asString(field({}, 'x'), 1), { message: 'x: expected a string, got the number 1' });
  });

  it('refuses fractions as integers and arrays as maps', () => {
    assert.throws(() => asInt(field({}, 'n'), 1.5), /expected an integer, got the number 1.5/);
    assert.throws(() => asMap(field({}, 'm'), []), /expected a map, got an array/);
  });

  it('accepts ports from -1 to 65535 only', () => {
    assert.equal(asPort(field({}, 'p'), -1), -1);
    assert.equal(asPort(field({}, 'p'), 65535), 65535);
    assert.throws(() => asPort(field({}, 'p'), 65536), /port must be between -1 and 65535, got 65536/);
    assert.throws(() => asPort(field({}, 'p'), -2), /port must be between -1 and 65535/);
  });
});

describe('asDuration', () => {
  it('reads a duration string without a warning', () => {
    const warnings: string[] = [];
    assert.equal(asDuration(field({}, 'ping_interval'), '2m', warnings), 120_000);
    assert.deepEqual(warnings, []);
  });

  it('reads a number as seconds and warns as nats-server does', () => {
    const warnings: string[] = [];
    assert.equal(asDuration(field({}, 'ping_interval'), 60, warnings), 60_000);
    assert.match(warnings[0], /ping_interval should be converted to a duration/);
  });

  it('reports a bad duration with Go\'s words', () => {
    assert.throws(() => asDuration(field({}, 'write_deadline'), '1x', []), {
      message: 'write_deadline: error parsing write_deadline: time: unknown unit "x" in duration "1x"',
    });
  });
});

describe('asListen', () => {
  const f = field({}, 'listen');
  const cases: [unknown, { host?: string; port: number }][] = [
    [4222, { port: 4222 }],
    ['127.0.0.1:4222', { host: '127.0.0.1', port: 4222 }],
    ['localhost:-1', { host: 'localhost', port: -1 }],
    [':4222', { port: 4222 }],
    ['[::1]:4222', { host: '::1', port: 4222 }],
  ];
  for (const [v, expected] of cases) {
    it(`splits ${JSON.stringify(v)}`, () => assert.deepEqual(asListen(f, v), expected));
  }

  const errors: [unknown, RegExp][] = [
    ['localhost', /could not parse address string "localhost"/],
    ['::1:4222', /could not parse address string/],
    ['h:abc', /could not parse port "abc"/],
    ['h:', /could not parse port ""/],
    [true, /expected port or host:port, got the boolean true/],
  ];
  for (const [v, re] of errors) {
    it(`refuses ${JSON.stringify(v)}`, () => assert.throws(() => asListen(f, v), re));
  }
});
