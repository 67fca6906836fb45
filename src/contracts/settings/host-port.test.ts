import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isHost, parseHostPort } from './host-port.ts';

describe('parseHostPort', () => {
  const good: [string, string, number][] = [
    ['127.0.0.1:8080', '127.0.0.1', 8080],
    ['0.0.0.0:0', '0.0.0.0', 0],
    ['localhost:65535', 'localhost', 65535],
    ['hearth.example.home:443', 'hearth.example.home', 443],
    ['[::1]:8080', '::1', 8080],
    ['[::]:80', '::', 80],
  ];
  for (const [text, host, port] of good) {
    it(`splits ${text}`, () => assert.deepEqual(parseHostPort(text), { host, port }));
  }

  const bad = ['8080', ':8080', 'localhost', 'localhost:', 'localhost:65536', 'localhost:-1', '::1:8080', '[::1]8080',
    '300.1.1.1:80', 'a b:80', 'host:80:80', '[localhost]:80', 'host:8o'];
  for (const text of bad) {
    it(`refuses ${JSON.stringify(text)}, saying what is allowed`, () => {
      assert.throws(() => parseHostPort(text), (err: Error) => err.message.includes(JSON.stringify(text)) && err.message.includes('HOST:PORT'));
    });
  }
});

describe('isHost', () => {
  it('accepts names and addresses and refuses the rest', () => {
    for (const h of ['localhost', '127.0.0.1', '::1', 'fe80::1%eth0', 'a-b.example']) assert.equal(isHost(h), true, h);
    for (const h of ['', '-a', 'a_b', '256.0.0.1', '1.2.3', 'a b', '[::1]']) assert.equal(isHost(h), false, h);
  });
});
