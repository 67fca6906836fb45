/**
 * How long a publisher is held back by a subscriber that falls behind: nats-server
 * 2.9.10's stallDuration, 100 ms at half of max_pending, +100 ms per tenth of the other
 * half, 1 s from max_pending on. (The stall itself is tested against real brokers in
 * tests/conformance/slow-consumer.test.ts.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { STALL_MAX_MS, STALL_MIN_MS, stallDuration } from './flow.ts';

const MP = 64 * 1024 * 1024;

describe('stallDuration', () => {
  it('is the minimum up to half of max_pending', () => {
    assert.equal(stallDuration(0, MP), STALL_MIN_MS);
    assert.equal(stallDuration(MP / 2, MP), STALL_MIN_MS);
  });

  it('grows by the minimum for each tenth of the upper half', () => {
    const step = MP / 20;
    assert.equal(stallDuration(MP / 2 + step - 1, MP), 100);
    assert.equal(stallDuration(MP / 2 + step, MP), 200);
    assert.equal(stallDuration(MP / 2 + 5 * step, MP), 600);
    assert.equal(stallDuration(MP - 1, MP), 1000);
  });

  it('is the maximum at and over max_pending', () => {
    assert.equal(stallDuration(MP, MP), STALL_MAX_MS);
    assert.equal(stallDuration(MP * 4, MP), STALL_MAX_MS);
  });
});
