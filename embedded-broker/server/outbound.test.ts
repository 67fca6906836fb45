/**
 * The outbound queue: byte order across small, big and mixed writes, and the ownership
 * rule that makes batching safe: a buffer handed out by take() is never written again.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BIG, Outbound } from './outbound.ts';
import { rng } from '../testing/rng.ts';

/** `n` bytes counting up from `from`, so misplaced bytes show. */
function pattern(n: number, from: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (from + i) & 0xff;
  return b;
}

describe('Outbound', () => {
  it('starts empty and hands out nothing', () => {
    const out = new Outbound();
    assert.equal(out.length, 0);
    assert.equal(out.take(), undefined);
  });

  it('keeps strings and bytes in the order they were queued', () => {
    const out = new Outbound();
    out.string('MSG foo 1 5\r\n');
    out.bytes(Buffer.from('hello'));
    out.bytes(new Uint8Array([13, 10]));
    out.string('PING\r\n');
    assert.equal(out.length, 26);
    assert.equal(out.take()!.toString('latin1'), 'MSG foo 1 5\r\nhello\r\nPING\r\n');
    assert.equal(out.length, 0);
    assert.equal(out.take(), undefined);
  });

  it('writes strings as latin1, one byte per char', () => {
    const out = new Outbound();
    out.string('a\u00ff\u0080b');
    assert.deepEqual([...out.take()!], [0x61, 0xff, 0x80, 0x62]);
  });

  it('passes a big body by reference when it is all there is', () => {
    const out = new Outbound();
    const big = Buffer.from(pattern(BIG, 7));
    out.bytes(big);
    const taken = out.take()!;
    assert.equal(taken.buffer, big.buffer);
    assert.equal(taken.byteOffset, big.byteOffset);
    assert.equal(taken.length, BIG);
  });

  it('passes a big plain Uint8Array view by reference too', () => {
    const backing = pattern(BIG + 100, 3);
    const view = backing.subarray(50, 50 + BIG);
    const out = new Outbound();
    out.bytes(view);
    const taken = out.take()!;
    assert.ok(Buffer.isBuffer(taken));
    assert.equal(taken.buffer, backing.buffer);
    assert.equal(taken.byteOffset, 50);
    assert.deepEqual(new Uint8Array(taken), view);
  });

  it('keeps order around big bodies', () => {
    const out = new Outbound();
    const big1 = pattern(BIG, 1);
    const big2 = pattern(BIG * 3 + 17, 2);
    out.string('HMSG a 1 2 3\r\n');
    out.bytes(big1);
    out.bytes(new Uint8Array([13, 10]));
    out.bytes(big2);
    out.string('tail');
    const expected = Buffer.concat([Buffer.from('HMSG a 1 2 3\r\n'), big1, Buffer.from('\r\n'), big2, Buffer.from('tail')]);
    assert.equal(out.length, expected.length);
    assert.ok(out.take()!.equals(expected));
  });

  it('keeps order across hundreds of random writes and takes (seeded)', () => {
    for (const seed of [1, 2, 3]) {
      const rand = rng(seed);
      const out = new Outbound();
      const sent: Buffer[] = [];
      const expected: Buffer[] = [];
      let queued = 0;
      let counter = 0;
      for (let i = 0; i < 600; i++) {
        const r = rand();
        if (r < 0.4) {
          const s = `MSG s.${i} ${counter++} ${Math.floor(rand() * 1000)}\r\n`;
          out.string(s);
          expected.push(Buffer.from(s, 'latin1'));
          queued += s.length;
        } else if (r < 0.9) {
          // Mostly small bodies, sometimes one at or past the by-reference size.
          const n = rand() < 0.1 ? BIG + Math.floor(rand() * BIG) : Math.floor(rand() * 3000);
          const b = pattern(n, i);
          out.bytes(b);
          expected.push(Buffer.from(b));
          queued += n;
        } else {
          assert.equal(out.length, queued, `seed ${seed} step ${i}: length`);
          queued = 0;
          const t = out.take();
          if (t) sent.push(Buffer.from(t)); // copied: the next check is about order, not ownership
        }
      }
      const last = out.take();
      if (last) sent.push(Buffer.from(last));
      assert.ok(Buffer.concat(sent).equals(Buffer.concat(expected)), `seed ${seed}: bytes differ`);
    }
  });

  it('never writes into a buffer it has handed out', () => {
    const rand = rng(99);
    const out = new Outbound();
    const handed: [Buffer, Buffer][] = []; // [what take() returned, a copy made at the time]
    for (let round = 0; round < 200; round++) {
      const writes = 1 + Math.floor(rand() * 8);
      for (let w = 0; w < writes; w++) {
        if (rand() < 0.5) out.string('x'.repeat(1 + Math.floor(rand() * 300)));
        else out.bytes(pattern(rand() < 0.05 ? BIG : 1 + Math.floor(rand() * 700), round));
      }
      const t = out.take()!;
      handed.push([t, Buffer.from(t)]);
    }
    for (const [i, [t, copy]] of handed.entries()) assert.ok(t.equals(copy), `buffer ${i} was written after take()`);
  });

  it('leaves the first taken buffer alone when the next writes fit in the same allocation', () => {
    const out = new Outbound();
    out.string('first');
    const first = out.take()!;
    out.string('second');
    out.bytes(Buffer.from('third'));
    const second = out.take()!;
    assert.equal(first.toString(), 'first');
    assert.equal(second.toString(), 'secondthird');
  });

  it('drops everything on clear() and works afterwards', () => {
    const out = new Outbound();
    out.string('gone');
    out.bytes(pattern(BIG, 0));
    out.clear();
    assert.equal(out.length, 0);
    assert.equal(out.take(), undefined);
    out.string('kept');
    assert.equal(out.take()!.toString(), 'kept');
  });
});
