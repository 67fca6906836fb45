import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import nacl from 'tweetnacl';
import { keyOf, open, seal } from './crypto.ts';

// tweetnacl plays the phone: libsodium's secretbox, as the apps use it.
const phoneSeal = (plain: string, secret: string) => {
  const nonce = nacl.randomBytes(24);
  const box = nacl.secretbox(new TextEncoder().encode(plain), nonce, keyOf(secret));
  return Buffer.concat([nonce, box]).toString('base64');
};
const phoneOpen = (data: string, secret: string) => {
  const wire = Buffer.from(data, 'base64');
  const plain = nacl.secretbox.open(wire.subarray(24), wire.subarray(0, 24), keyOf(secret));
  return plain && new TextDecoder().decode(plain);
};

describe('owntracks crypto', () => {
  it('derives the key as the apps do: UTF-8 bytes, zero-padded or cut to 32', () => {
    assert.deepEqual([...keyOf('ab')], [97, 98, ...new Array(30).fill(0)]);
    assert.equal(keyOf('x'.repeat(40)).length, 32);
    assert.deepEqual([...keyOf('é').subarray(0, 3)], [0xc3, 0xa9, 0]);
    assert.deepEqual(keyOf('k'.repeat(32) + 'anything'), keyOf('k'.repeat(32)), 'only the first 32 bytes count');
  });

  it('opens what the phone sealed, and the phone opens what it seals', () => {
    const msg = JSON.stringify({ _type: 'location', lat: 52.1, lon: 4.3, tst: 1_700_000_000 });
    assert.equal(open(phoneSeal(msg, 'family secret ü'), 'family secret ü'), msg);
    assert.equal(phoneOpen(seal('[{"_type":"card"}]', 'family secret ü'), 'family secret ü'), '[{"_type":"card"}]');
  });

  it('uses a fresh nonce each time', () => {
    assert.notEqual(seal('same', 'k'), seal('same', 'k'));
  });

  it('says null for another secret, a tampered box, a short or non-base64 payload', () => {
    const data = phoneSeal('{"_type":"location"}', 'right');
    assert.equal(open(data, 'wrong'), null);
    const wire = Buffer.from(data, 'base64');
    wire[wire.length - 1]! ^= 1;
    assert.equal(open(wire.toString('base64'), 'right'), null);
    assert.equal(open('AAAA', 'right'), null);
    assert.equal(open('not base64 at all!!', 'right'), null);
    assert.equal(open('', 'right'), null);
  });
});
