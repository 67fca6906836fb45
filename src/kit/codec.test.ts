import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decode, encode } from './codec.ts';
import { AppError } from './errors.ts';

function assertBadPayload(bytes: Uint8Array): void {
  assert.throws(
    () => decode(bytes),
    (e: unknown) => e instanceof AppError && e.code === 'kit.bad_payload' && e.kind === 'validation',
    `accepted ${Buffer.from(bytes).toString('hex')}`,
  );
}

const sample = {
  text: 'héllo ✓ 🏠',
  n: 42,
  negative: -7,
  float: 0.25,
  big: 2 ** 53 - 1,
  yes: true,
  no: false,
  none: null,
  list: [1, 'two', { three: 3 }],
  bytes: new Uint8Array([0, 1, 254, 255]),
  nested: { a: { b: { c: [] } } },
};

describe('encode and decode', () => {
  it('round-trips strings, numbers, booleans, null, arrays, maps and bytes', () => {
    const back = decode(encode(sample)) as typeof sample;
    assert.deepEqual({ ...back, bytes: [...back.bytes] }, { ...sample, bytes: [0, 1, 254, 255] });
  });

  it('writes plain MessagePack any library reads (a standard map header, no msgpackr records)', () => {
    const bytes = [...encode({ a: 1 })];
    // msgpackr writes map16 (de 00 01) where fixmap (81) would do; both are standard MessagePack.
    const header = bytes[0] === 0x81 ? 1 : bytes[0] === 0xde && bytes[1] === 0 && bytes[2] === 1 ? 3 : -1;
    assert.notEqual(header, -1, `not a map header: ${Buffer.from(bytes).toString('hex')}`);
    assert.deepEqual(bytes.slice(header), [0xa1, 0x61, 0x01]);
  });

  it('reads 64-bit integers as numbers', () => {
    const u64 = new Uint8Array([0xcf, 0, 0, 0, 1, 0, 0, 0, 0]); // 2^32 as uint64
    assert.equal(decode(u64), 2 ** 32);
  });
});

describe('decode of bad bytes', () => {
  it('refuses an empty body', () => {
    assertBadPayload(new Uint8Array(0));
  });

  it('refuses every truncation of a valid message', () => {
    const bytes = encode(sample);
    for (let n = 1; n < bytes.length; n++) assertBadPayload(bytes.subarray(0, n));
  });

  it('refuses trailing bytes after a complete value', () => {
    // msgpackr throws "Data read, but end of buffer not reached"; the kit keeps that: one body, one value.
    assertBadPayload(new Uint8Array([...encode({ a: 1 }), 0x00]));
    assertBadPayload(new Uint8Array([...encode('x'), ...encode('y')]));
  });

  it('refuses JSON text', () => {
    assertBadPayload(new TextEncoder().encode('{"key":"a","amount":1}'));
  });

  it('refuses the never-used byte 0xc1, alone or nested', () => {
    assertBadPayload(new Uint8Array([0xc1]));
    assertBadPayload(new Uint8Array([0x81, 0xa1, 0x61, 0x91, 0xc1])); // { a: [<0xc1>] }
  });

  it('refuses an unknown extension type', () => {
    assertBadPayload(new Uint8Array([0xd4, 0x05, 0x00]));
  });

  it('refuses lengths that run past the end', () => {
    assertBadPayload(new Uint8Array([0xdd, 0xff, 0xff, 0xff, 0xff])); // array32 of 4 billion items
    assertBadPayload(new Uint8Array([0xc6, 0x7f, 0xff, 0xff, 0xff])); // bin32 of 2 GB
    assertBadPayload(new Uint8Array([0xdb, 0x00, 0x00, 0x10, 0x00, 0x61])); // str32 of 4096 bytes, 1 given
  });

  it('keeps the parser error as the cause', () => {
    try {
      decode(new Uint8Array([0x92, 0x01]));
      assert.fail('decoded a truncated array');
    } catch (e) {
      assert.ok(e instanceof AppError && e.cause instanceof Error);
    }
  });
});
