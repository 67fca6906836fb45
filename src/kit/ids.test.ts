import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { uuidv7, uuidv7Time } from './ids.ts';

const FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const counterOf = (id: string) => parseInt(id.slice(15, 18), 16); // rand_a: the 12 bits after the version nibble

// The generator is monotonic per process, so a test that passes a fixed `now` moves the clock
// it sees forward; the tests on the real clock therefore come first.
describe('uuidv7', () => {
  it('has the UUID layout with version 7 and the RFC 9562 variant', () => {
    for (let i = 0; i < 1000; i++) {
      const id = uuidv7();
      assert.match(id, FORMAT);
      assert.equal(id[14], '7', id);
      assert.ok('89ab'.includes(id[19]!), id); // variant bits 10xx
    }
  });

  it('carries the current Unix milliseconds', () => {
    const before = Date.now();
    const id = uuidv7();
    const after = Date.now();
    const t = uuidv7Time(id);
    assert.ok(t >= before && t <= after + 1, `${t} not in [${before}, ${after}]`);
  });

  it('sorts 10,000 ids from the real clock in creation order, with no repeats', () => {
    const ids = Array.from({ length: 10_000 }, () => uuidv7());
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} !< ${ids[i]}`);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('draws fresh random bits for every id, across refills of the random pool', () => {
    const rands = Array.from({ length: 5000 }, () => uuidv7().slice(19).replace('-', '')); // rand_b with the variant
    assert.equal(new Set(rands).size, rands.length);
    assert.ok(!rands.includes('8000000000000000'), 'no zeroed pool bytes');
  });

  it('counts up in rand_a within one millisecond', () => {
    const t = Date.now() + 1000;
    const ids = Array.from({ length: 5 }, () => uuidv7(t));
    assert.deepEqual(ids.map(counterOf), [0, 1, 2, 3, 4]);
    assert.deepEqual(ids.map(uuidv7Time), [t, t, t, t, t]);
  });

  it('stays monotonic across 10,000 ids in one millisecond by borrowing the next ones', () => {
    const t = Date.now() + 2000;
    const ids = Array.from({ length: 10_000 }, () => uuidv7(t));
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `id ${i} does not sort after id ${i - 1}`);
    // 4096 ids fit in one millisecond's 12-bit counter
    assert.equal(uuidv7Time(ids[4095]!), t);
    assert.equal(uuidv7Time(ids[4096]!), t + 1);
    assert.equal(counterOf(ids[4096]!), 0);
    assert.equal(uuidv7Time(ids[9999]!), t + 2);
  });

  it('never goes backwards when the clock does', () => {
    const t = Date.now() + 3000;
    const a = uuidv7(t);
    const b = uuidv7(t - 500);
    assert.ok(a < b);
    assert.equal(uuidv7Time(b), t);
  });
});

describe('uuidv7Time', () => {
  it('reads the 48-bit timestamp back, beyond 32 bits', () => {
    const t = 0xffff_ffff_fff0; // the largest 48-bit values, far past any earlier call
    assert.equal(uuidv7Time(uuidv7(t)), t);
  });
});
