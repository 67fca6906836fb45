import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConf } from './parse-conf.ts';
import { ConfError, isUsedAsVariable, keyPosition } from './conf-meta.ts';

const parse = (text: string, env: Record<string, string> = {}) => parseConf(text, 'broker.conf', env);

describe('parseConf: values', () => {
  const cases: [string, string, Record<string, unknown>][] = [
    ['separators = : and whitespace', 'a = 1\nb: 2\nc 3', { a: 1, b: 2, c: 3 }],
    ['semicolons and commas end top-level values', "foo='1'; bar=2.2; baz=true, boo=22", { foo: '1', bar: 2.2, baz: true, boo: 22 }],
    ['a JSON document', '{ "port": 4222, "debug": true, "name": "x" }', { port: 4222, debug: true, name: 'x' }],
    ['quoted keys', `"a b": 1\n'c': 2`, { 'a b': 1, c: 2 }],
    ['booleans in any case', 'a: TRUE\nb: yes\nc: On\nd: false\ne: NO\nf: off', { a: true, b: true, c: true, d: false, e: false, f: false }],
    ['negative numbers and floats', 'a: -1\nb: -1.5\nc: 0.25', { a: -1, b: -1.5, c: 0.25 }],
    ['powers of 1000 without b', 'k: 8k\nm: 1M\ng: 2g\nt: 1T', { k: 8000, m: 1e6, g: 2e9, t: 1e12 }],
    ['powers of 1024 with b, i or ib, any case', 'kb: 4kb\nki: 3Ki\nkib: 4KiB\nmb: 2MB\ngb: 1gb', { kb: 4096, ki: 3072, kib: 4096, mb: 2 * 1024 ** 2, gb: 1024 ** 3 }],
    ['a negative size', 'a: -2k', { a: -2000 }],
    ['text starting with digits is a string', 'a: 10s\nb: 1kx\nc: 4222abc\nd: 500ms', { a: '10s', b: '1kx', c: '4222abc', d: '500ms' }],
    ['an address is a string', 'listen: 127.0.0.1:4222\nb: 1.2.3', { listen: '127.0.0.1:4222', b: '1.2.3' }],
    ['unquoted strings keep : / and #', 'url: nats://h:4222/x#y', { url: 'nats://h:4222/x#y' }],
    ['single quotes take text as written', `a: 'x\\ty "z"'`, { a: 'x\\ty "z"' }],
    ['double quotes process escapes', String.raw`a: "t\tn\nq\"b\\x\x41"`, { a: 't\tn\nq"b\\xA' }],
    ['\\x bytes are decoded as UTF-8', String.raw`a: "\xc3\xa9"`, { a: 'é' }],
    ['a quoted boolean or variable is a string', `a: "true"\nb: "$x"`, { a: 'true', b: '$x' }],
    ['an escape in an unquoted string makes it a string', String.raw`a: tru\x65`, { a: 'true' }],
    ['nested maps, with or without separator', 'a { b: { c: 1 }, d = { e: 2 } }', { a: { b: { c: 1 }, d: { e: 2 } } }],
    ['map entries end with newline, comma or semicolon', 'a {\n x: 1\n y: 2, z: 3; w: 4\n}', { a: { x: 1, y: 2, z: 3, w: 4 } }],
    ['arrays over lines with comments and a trailing comma', "a: [\n 1, # one\n 2 // two\n 'x',\n]", { a: [1, 2, 'x'] }],
    ['an integer may end an array', 'a: [1, 2]', { a: [1, 2] }],
    ['maps inside arrays', 'users: [ { user: a }, { user: b } ]', { users: [{ user: 'a' }, { user: 'b' }] }],
    ['comments anywhere between entries', '# top\n// also\na: 1 # after\nb { // in\n c: 2 # x\n}', { a: 1, b: { c: 2 } }],
    ['a value may follow its key on the next line', 'server_name\nabc', { server_name: 'abc' }],
    ['a later key replaces an earlier one', 'a: 1\na: 2', { a: 2 }],
    ['a block runs to a ) alone on its line', 'b (\n12(34)56\n  )\n)\n', { b: '\n12(34)56\n  )\n' }],
    ['an unquoted bcrypt hash is not a variable', 'password: $2a$11$ooo', { password: '$2a$11$ooo' }],
    ['CRLF line endings', 'a: 1\r\nb: x\r\n', { a: 1, b: 'x' }],
  ];
  for (const [name, text, expected] of cases) {
    it(`reads ${name}`, () => assert.deepEqual(parse(text), expected));
  }

  it('reads a Zulu datetime as a Date', () => {
    assert.deepEqual(parse('d: 2020-01-02T03:04:05Z'), { d: new Date('2020-01-02T03:04:05Z') });
  });

  it('keeps a __proto__ key as data instead of changing the prototype', () => {
    const m = parse('__proto__: { polluted: true }');
    assert.equal(Object.getPrototypeOf(m), Object.prototype);
    assert.deepEqual(Object.keys(m), ['__proto__']);
  });
});

describe('parseConf: variables', () => {
  it('resolves from the nearest enclosing map, defined earlier', () => {
    const m = parse('index = 22\nnest {\n index = 11\n foo = $index\n}\nbar = $index');
    assert.deepEqual(m, { index: 22, nest: { index: 11, foo: 11 }, bar: 22 });
  });

  it('looks through arrays to the map around them', () => {
    assert.deepEqual(parse('u: x\nlist: [ $u, { v: $u } ]'), { u: 'x', list: ['x', { v: 'x' }] });
  });

  it('falls back to the environment, parsing the value as a value', () => {
    const env = { N: '22', S: 'xyz', Q: "'3xyz'", Z: '3Gyz', M: '{ a: 1 }' };
    assert.deepEqual(parse('a: $N\nb: $S\nc: $Q\nd: $Z\ne: $M', env), {
      a: 22,
      b: 'xyz',
      c: '3xyz',
      d: '3Gyz',
      e: { a: 1 },
    });
  });

  it('prefers a key in the file over the environment', () => {
    assert.deepEqual(parse('N: 1\na: $N', { N: '2' }), { N: 1, a: 1 });
  });

  it('reads an empty environment variable as an empty string', () => {
    assert.deepEqual(parse('a: $E', { E: '' }), { a: '' });
  });

  it('marks keys that were referenced as variables', () => {
    const m = parse('T: 1\nU: 2\na: $T');
    assert.equal(isUsedAsVariable(m, 'T'), true);
    assert.equal(isUsedAsVariable(m, 'U'), false);
  });

  it('refuses a variable defined later or nowhere', () => {
    assert.throws(() => parse('a: $b\nb: 1'), /^ConfError: broker.conf:1:4: variable reference for 'b' can not be found$/);
  });

  it('reports an environment value that does not parse', () => {
    assert.throws(() => parse('a: $X', { X: '"abc' }), /broker.conf:1:4: variable reference for 'X' could not be parsed/);
  });

  it('stops an environment variable that names itself', () => {
    assert.throws(() => parse('a: $X', { X: '$X' }), /nests too deeply/);
  });
});

describe('parseConf: positions and errors', () => {
  it('records where each key was written', () => {
    const m = parse('a: 1\n  nest {\n    b: 2\n  }');
    assert.deepEqual(keyPosition(m, 'nest'), { file: 'broker.conf', line: 2, column: 3 });
    assert.deepEqual(keyPosition(m.nest as object, 'b'), { file: 'broker.conf', line: 3, column: 5 });
  });

  const errors: [string, string, RegExp][] = [
    ['junk after a value', 'port: 4222 x', /^broker.conf:1:12: expected a top-level value to end/],
    ['an unclosed map', 'a { b: 1', /^broker.conf:1:9: unexpected EOF processing map$/],
    ['an unclosed array', 'a: [1, 2', /unexpected EOF processing array/],
    ['two commas in an array', 'a: [1,,2]', /^broker.conf:1:7: unexpected array value terminator ','/],
    ['an unclosed string', 'a: "abc', /^broker.conf:1:4: unexpected EOF in quoted string/],
    ['an unknown escape', 'a: "a\\qb"', /^broker.conf:1:7: invalid escape character 'q'/],
    ['a bad \\x escape', 'a: "\\xzz"', /expected two hexadecimal digits after '\\x', but got 'zz'/],
    ['a separator with the value on the next line', 'a =\n x', /^broker.conf:1:4: expected a value but found a new line/],
    ['a key without a value', 'a', /expected a value for key "a"/],
    ['an integer out of int64 range', 'a: 99999999999999999999', /integer '99999999999999999999' is out of the range/],
    ['a size out of int64 range', 'a: 9000000000eb', /out of the range/],
    ['an unknown size suffix', 'port: 1kbi', /^broker.conf:1:7: invalid size suffix in '1kbi'/],
    ['a float without leading digit', 'a: .5', /floats must start with a digit/],
    ['a float without fraction', 'a: 1.x', /floats must have a digit after the '.'/],
    ['a date without time', 'a: 2020-01-01', /expected 'T' in ISO8601 datetime/],
    ['an impossible date', 'a: 2020-02-30T00:00:00Z', /expected Zulu formatted DateTime/],
    ['a short year', 'a: 20-01-01', /all ISO8601 dates must be in full Zulu form/],
    ['a quote inside an unquoted string', "a: x'y", /got 'y' instead/],
    ['include at the top', 'include other.conf', /^broker.conf:1:1: include is not supported by this broker/],
    ['include in a map', 'a {\n  include "x.conf"\n}', /^broker.conf:2:3: include is not supported/],
    ['a map key at EOF', 'a { b', /unexpected EOF processing map key/],
    ['] inside a map', 'a { ] }', /unexpected array end/],
  ];
  for (const [name, text, re] of errors) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => parse(text),
        (err: unknown) => err instanceof ConfError && re.test(err.message),
      );
    });
  }

  it('counts columns from 1 on every line', () => {
    assert.throws(() => parse('a: 1\nb: 2 z'), /^ConfError: broker.conf:2:6:/);
  });

  it('names the file it was given, or "config"', () => {
    assert.throws(() => parseConf('a b c', undefined, {}), /^ConfError: config:1:5:/);
  });
});
