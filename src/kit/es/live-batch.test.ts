import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LIVE_BATCH_BYTES, LIVE_BATCH_EVENTS, LiveBatch } from './live-batch.ts';

const bytes = (n: number, fill = 0) => new Uint8Array(n).fill(fill);

describe('the live events a consumer has not looked at yet', () => {
  it('asks for a step on the first event only, until that step takes them', () => {
    const live = new LiveBatch();
    assert.equal(live.push(bytes(1)), true);
    assert.equal(live.push(bytes(1)), false);
    assert.equal(live.push(bytes(1)), false);
    const { batch, more } = live.take();
    assert.equal(batch.length, 3);
    assert.equal(more, false);
    assert.equal(live.push(bytes(1)), true, 'the next event asks for a new step');
  });

  it('takes them oldest first', () => {
    const live = new LiveBatch();
    for (let i = 0; i < 5; i++) live.push(bytes(1, i));
    assert.deepEqual(live.take().batch.map((b) => b[0]), [0, 1, 2, 3, 4]);
  });

  it(`takes at most ${LIVE_BATCH_EVENTS} events a step and says more are left, keeping the step asked for`, () => {
    const live = new LiveBatch();
    for (let i = 0; i < LIVE_BATCH_EVENTS + 10; i++) live.push(bytes(1, i % 256));
    const first = live.take();
    assert.equal(first.batch.length, LIVE_BATCH_EVENTS);
    assert.equal(first.more, true);
    assert.equal(live.push(bytes(1)), false, 'a step is still asked for: the caller queued one');
    const second = live.take();
    assert.equal(second.batch.length, 11);
    assert.equal(second.more, false);
    assert.equal(live.size, 0);
  });

  it('takes at most a MiB of events a step, but always at least one', () => {
    const live = new LiveBatch();
    live.push(bytes(LIVE_BATCH_BYTES + 1));
    live.push(bytes(LIVE_BATCH_BYTES / 2));
    live.push(bytes(LIVE_BATCH_BYTES / 2));
    live.push(bytes(1));
    assert.deepEqual(live.take().batch.map((b) => b.length), [LIVE_BATCH_BYTES + 1]);
    assert.deepEqual(live.take().batch.map((b) => b.length), [LIVE_BATCH_BYTES / 2, LIVE_BATCH_BYTES / 2]);
    assert.deepEqual(live.take(), { batch: [bytes(1)], more: false });
  });

  it('forgets what waits when cleared', () => {
    const live = new LiveBatch();
    live.push(bytes(1));
    live.clear();
    assert.equal(live.size, 0);
    assert.equal(live.push(bytes(1)), true);
  });
});
