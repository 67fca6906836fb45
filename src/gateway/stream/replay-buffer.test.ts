import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Envelope } from '../../kit/index.ts';
import { ReplayBuffer } from './replay-buffer.ts';

const env = (id: string): Envelope => ({ id, type: 't', version: 1, seq: 1, at: '', source: 's', stream: '', correlationId: '', causationId: '', data: {} });

describe('ReplayBuffer', () => {
  it('keeps the last N events of each group and forgets older ids', () => {
    const b = new ReplayBuffer(2);
    b.add('a', env('a1'));
    b.add('a', env('a2'));
    b.add('b', env('b1'));
    b.add('a', env('a3'));
    assert.equal(b.ordOf('a1'), undefined);
    assert.deepEqual(b.after(0).map((e) => e.event.id), ['a2', 'b1', 'a3']);
  });

  it('returns the events after an id across groups in delivery order', () => {
    const b = new ReplayBuffer(10);
    for (const [g, id] of [['a', '1'], ['b', '2'], ['a', '3'], ['b', '4']] as const) b.add(g, env(id));
    assert.deepEqual(b.after(b.ordOf('2')!).map((e) => e.event.id), ['3', '4']);
  });

  it('knows when a group lost events newer than a position', () => {
    const b = new ReplayBuffer(1);
    b.add('a', env('1'));
    b.add('b', env('2'));
    const pos = b.ordOf('2')!;
    b.add('a', env('3'));
    assert.equal(b.lostAfter('a', pos), false);
    b.add('a', env('4'));
    assert.equal(b.lostAfter('a', pos), true);
    assert.equal(b.lostAfter('b', pos), false);
  });

  it('refuses an event id it already holds (a redelivery)', () => {
    const b = new ReplayBuffer(4);
    assert.ok(b.add('a', env('1')));
    assert.equal(b.add('a', env('1')), undefined);
    assert.equal(b.after(0).length, 1);
  });
});
