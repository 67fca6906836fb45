import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConnectOptions, parseConnect, type ConnectOptions } from './connect.ts';

const base = defaultConnectOptions();

describe('defaultConnectOptions', () => {
  it('starts verbose and pedantic with echo on, as nats-server does before CONNECT', () => {
    assert.deepEqual(base, { verbose: true, pedantic: true, echo: true, headers: false, noResponders: false, protocol: 0 });
  });

  it('returns a fresh object each time', () => {
    assert.notEqual(defaultConnectOptions(), defaultConnectOptions());
  });
});

describe('parseConnect', () => {
  it('maps every known field to its option', () => {
    const json = JSON.stringify({
      verbose: false, pedantic: false, echo: false, headers: true, no_responders: true, protocol: 1,
      name: 'n', lang: 'node', version: '2.29.3', user: 'u', pass: 'p', auth_token: 't',
      nkey: 'UABC', sig: 's', jwt: 'j',
    });
    const expected: ConnectOptions = {
      verbose: false, pedantic: false, echo: false, headers: true, noResponders: true, protocol: 1,
      name: 'n', lang: 'node', version: '2.29.3', user: 'u', pass: 'p', authToken: 't',
      nkey: 'UABC', sig: 's', jwt: 'j',
    };
    assert.deepEqual(parseConnect(json, base), expected);
  });

  it('keeps what the base has for fields CONNECT leaves out', () => {
    const prior = { ...base, verbose: false, name: 'before' };
    assert.deepEqual(parseConnect('{"echo":false}', prior), { ...prior, echo: false });
  });

  it('does not change the base it is given', () => {
    const prior = defaultConnectOptions();
    parseConnect('{"verbose":false,"name":"x"}', prior);
    assert.deepEqual(prior, defaultConnectOptions());
  });

  it('ignores unknown fields, whatever their type', () => {
    const json = '{"tls_required":false,"ssl_required":"yes","foo":[1,{"a":null}],"Name2":1}';
    assert.deepEqual(parseConnect(json, base), base);
  });

  it('leaves the default alone for a field set to null', () => {
    assert.deepEqual(parseConnect('{"verbose":null,"protocol":null,"name":null}', base), base);
  });

  it('treats a null document as an empty one, returning a copy', () => {
    const out = parseConnect('null', base);
    assert.deepEqual(out, base);
    assert.notEqual(out, base);
  });

  it('lets the last of duplicate keys win, as Go does', () => {
    assert.equal(parseConnect('{"verbose":true,"verbose":false}', base)?.verbose, false);
  });

  it('accepts integer protocols outside 0..1 (the handler rejects them)', () => {
    assert.equal(parseConnect('{"protocol":-1}', base)?.protocol, -1);
    assert.equal(parseConnect('{"protocol":2}', base)?.protocol, 2);
  });

  const rejected: [string, string][] = [
    ['a string for a boolean', '{"verbose":"false"}'],
    ['a number for a boolean', '{"echo":0}'],
    ['a boolean for a string', '{"name":true}'],
    ['a number for a string', '{"user":1}'],
    ['an object for a string', '{"auth_token":{}}'],
    ['a string for the protocol', '{"protocol":"1"}'],
    ['a fractional protocol', '{"protocol":1.5}'],
    ['a boolean for the protocol', '{"protocol":true}'],
    ['an array document', '[]'],
    ['a string document', '"{}"'],
    ['a number document', '1'],
    ['malformed JSON', '{"verbose":false'],
    ['an empty argument', ''],
    ['trailing bytes after the JSON', '{} x'],
  ];
  for (const [what, json] of rejected) {
    it(`rejects ${what}`, () => assert.equal(parseConnect(json, base), undefined));
  }

  it('rejects a protocol written as 1.0 or 1e0, as Go does for an int field', () => {
    assert.equal(parseConnect('{"protocol":1.0}', base), undefined);
    assert.equal(parseConnect('{"protocol":1e0}', base), undefined);
  });

  it('matches field names case-insensitively, as Go does', () => {
    assert.equal(parseConnect('{"Verbose":false}', base)?.verbose, false);
    assert.equal(parseConnect('{"AUTH_TOKEN":"t"}', base)?.authToken, 't');
  });
});
