import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Envelope } from '../kit/index.ts';
import { LiveOrder } from './live-order.ts';
import type { LogPage } from './stream/index.ts';

const EPOCH = '01900000-0000-7000-8000-0000000000e1';
const ev = (seq: number, epoch: string | undefined = EPOCH, source = 'chat'): Envelope => ({ id: `${source}-${seq}`, type: 't', version: 1, seq, at: '', source, stream: '', correlationId: '', causationId: '', data: {}, ...(epoch ? { epoch } : {}) });

/** A source whose log holds seqs 1…n (the producer's, as `log.<source>.read` answers it), and what was handed on. */
function setup(n = 50, o: { fail?: boolean; erased?: number[]; maxGap?: number } = {}) {
  const got: number[] = [];
  const reads: Array<[number, number]> = [];
  let release!: () => void;
  let gate = Promise.resolve();
  const order = new LiveOrder({
    async read(_source, after, limit): Promise<LogPage> {
      reads.push([after, limit]);
      await gate;
      if (o.fail) throw new Error('no responders');
      const events = Array.from({ length: n }, (_, i) => i + 1).filter((s) => s > after && !o.erased?.includes(s)).slice(0, limit).map((s) => ({ ...ev(s), epoch: undefined }));
      return { events, head: n, epochs: [{ id: EPOCH, base: 0 }] };
    },
    deliver: (e) => void got.push(e.seq),
    maxGap: o.maxGap,
  });
  const hold = () => void (gate = new Promise((r) => (release = r)));
  return { order, got, reads, hold, release: () => release() };
}

const settle = () => new Promise((r) => setTimeout(r, 10));

describe('LiveOrder', () => {
  it('hands events on in order and drops one published again', () => {
    const { order, got, reads } = setup();
    for (const s of [1, 2, 2, 3, 1]) order.push(ev(s));
    assert.deepEqual(got, [1, 2, 3]);
    assert.deepEqual(reads, []);
  });

  it('fills a gap from the log before the event after it, and keeps what comes meanwhile behind it', async () => {
    const { order, got, reads, hold, release } = setup();
    order.push(ev(1));
    hold();
    order.push(ev(5));
    order.push(ev(6));
    order.push(ev(3)); // a late one: the log read hands it on
    assert.deepEqual(got, [1]);
    release();
    await settle();
    assert.deepEqual(got, [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(reads, [[1, 3]]);
  });

  it('fills a second gap among the queued events', async () => {
    const { order, got, hold, release } = setup();
    order.push(ev(1));
    hold();
    order.push(ev(3));
    order.push(ev(6));
    order.push(ev(7));
    release();
    await settle();
    assert.deepEqual(got, [1, 2, 3, 4, 5, 6, 7]);
  });

  it('steps over erased events, and over a gap the log cannot fill', async () => {
    const erased = setup(50, { erased: [2, 3] });
    erased.order.push(ev(1));
    erased.order.push(ev(5));
    await settle();
    assert.deepEqual(erased.got, [1, 4, 5]);
    const down = setup(50, { fail: true });
    down.order.push(ev(1));
    down.order.push(ev(4));
    down.order.push(ev(5));
    await settle();
    assert.deepEqual(down.got, [1, 4, 5]);
  });

  it('does not read a gap wider than maxGap, and starts again at a new epoch or without one', () => {
    const { order, got, reads } = setup(5000, { maxGap: 10 });
    order.push(ev(1));
    order.push(ev(100));
    order.push(ev(3, '01900000-0000-7000-8000-0000000000e2')); // restored: a new epoch
    order.push(ev(4, '01900000-0000-7000-8000-0000000000e2'));
    order.push(ev(2, undefined)); // a producer without epochs
    assert.deepEqual(got, [1, 100, 3, 4, 2]);
    assert.deepEqual(reads, []);
  });

  it('keeps sources apart', () => {
    const { order, got } = setup();
    order.push(ev(1, EPOCH, 'chat'));
    order.push(ev(1, EPOCH, 'location'));
    order.push(ev(2, EPOCH, 'location'));
    assert.deepEqual(got, [1, 1, 2]);
  });

  it('catches up with the newest events lost live, keeping live ones behind the read, and bounds a read by maxGap', async () => {
    const { order, got, reads, hold, release } = setup(8);
    order.push(ev(1));
    order.push(ev(2)); // 3…8 were lost: no later event reveals them
    hold();
    const caught = order.catchUp();
    order.push(ev(9)); // arrives while the log is read: waits behind it
    assert.deepEqual(got, [1, 2]);
    release();
    await caught;
    assert.deepEqual(got, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(reads[0], [2, 100]);
    await order.catchUp(); // nothing new: one empty read
    assert.deepEqual(got, [1, 2, 3, 4, 5, 6, 7, 8, 9]);

    const bounded = setup(500, { maxGap: 150 });
    bounded.order.push(ev(1));
    await bounded.order.catchUp();
    assert.equal(bounded.got.length, 151, 'the first event and 150 read');
    assert.deepEqual(bounded.reads, [[1, 100], [101, 50]]);
  });

  it('keeps catching up when a log cannot be read, and leaves a source whose gap is being filled alone', async () => {
    const failing = setup(5, { fail: true });
    failing.order.push(ev(1));
    await failing.order.catchUp();
    failing.order.push(ev(2));
    assert.deepEqual(failing.got, [1, 2], 'live events still go on after a failed read');

    const { order, got, reads, hold, release } = setup(10);
    order.push(ev(1));
    hold();
    order.push(ev(4)); // a gap: 2 and 3 are being read
    await order.catchUp();
    assert.deepEqual(reads, [[1, 2]], 'no second read of the same source');
    release();
    await settle();
    assert.deepEqual(got, [1, 2, 3, 4]);
  });
});
