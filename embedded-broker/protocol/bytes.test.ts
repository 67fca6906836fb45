import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyBytes, latin1, parseSize, splitArgs } from './bytes.ts';

const raw = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

describe('splitArgs', () => {
  const cases: [string, string[]][] = [
    ['foo 1', ['foo', '1']],
    ['foo q 1', ['foo', 'q', '1']],
    ['  foo \t\t q   1  ', ['foo', 'q', '1']],
    ['\tfoo\t1\t', ['foo', '1']],
    ['foo', ['foo']],
    ['', []],
    ['   \t ', []],
    // Only space and tab separate: other control bytes belong to the argument.
    ['a\rb\nc 1', ['a\rb\nc', '1']],
    ['f\xffo\x80 1', ['f\xffo\x80', '1']],
  ];
  for (const [line, args] of cases) {
    it(`splits ${JSON.stringify(line)} into ${JSON.stringify(args)}`, () => assert.deepEqual(splitArgs(raw(line)), args));
  }

  it('reads a view into a larger buffer from its own offset', () => {
    const whole = raw('XXSUB foo 12YY');
    assert.deepEqual(splitArgs(whole.subarray(6, 12)), ['foo', '12']);
    assert.deepEqual(splitArgs(Buffer.from('XXfoo 12YY').subarray(2, 8)), ['foo', '12']);
  });
});

describe('parseSize', () => {
  const cases: [string | undefined, number][] = [
    ['0', 0],
    ['5', 5],
    ['007', 7],
    ['1048576', 1048576],
    ['999999999', 999999999],
    // nats-server's parseSize takes at most 9 digits.
    ['1000000000', -1],
    ['1234567890', -1],
    ['', -1],
    [undefined, -1],
    ['-1', -1],
    ['+1', -1],
    ['1a', -1],
    ['a1', -1],
    [' 1', -1],
    ['1 ', -1],
    ['1.5', -1],
    ['1e3', -1],
    ['0x10', -1],
    ['１', -1], // a full-width digit is not an ASCII digit
  ];
  for (const [text, size] of cases) {
    it(`reads ${JSON.stringify(text)} as ${size}`, () => assert.equal(parseSize(text), size));
  }
});

describe('latin1', () => {
  it('maps every byte value to one char and back', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const s = latin1(all);
    assert.equal(s.length, 256);
    for (let i = 0; i < 256; i++) assert.equal(s.charCodeAt(i), i);
    assert.equal(latin1(Buffer.from(all)), s);
  });

  it('decodes the [start, end) range of a Buffer and of a plain view', () => {
    const buf = Buffer.from('..hello..', 'latin1');
    assert.equal(latin1(buf, 2, 7), 'hello');
    const view = new Uint8Array(buf.buffer, buf.byteOffset + 2, 7);
    assert.equal(latin1(view), 'hello..');
    assert.equal(latin1(view, 1, 4), 'ell');
  });
});

describe('copyBytes', () => {
  for (const [kind, make] of [['Buffer', (s: string) => Buffer.from(s)], ['Uint8Array', (s: string) => new TextEncoder().encode(s)]] as const) {
    it(`copies a ${kind} view into memory of its own`, () => {
      const whole = make('..abc..');
      const view = whole.subarray(2, 5);
      const copy = copyBytes(view);
      whole.fill(0x7a);
      assert.deepEqual([...copy], [0x61, 0x62, 0x63]);
      assert.notEqual(copy.buffer, whole.buffer);
    });
  }
});
