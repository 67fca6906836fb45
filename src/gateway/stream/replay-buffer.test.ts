import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Envelope } from '../../kit/index.ts';
import { ReplayBuffer } from './replay-buffer.ts';

const env = (id: string): Envelope => ({ id, type: 't', version: 1, seq: 1, at: '', source: 's', stream: '', correlationId: '', causationId: '', data: {} });
const g = (groupId: string) => ({ groupId });
const u = (userId: string) => ({ userId });

describe('ReplayBuffer', () => {
  it('keeps the last N events of each group and forgets older ids', () => {
    const b = new ReplayBuffer(2);
    b.add(g('a'), env('a1'));
    b.add(g('a'), env('a2'));
    b.add(g('b'), env('b1'));
    b.add(g('a'), env('a3'));
    assert.equal(b.ordOf('a1'), undefined);
    assert.deepEqual(b.after(0).map((e) => e.event.id), ['a2', 'b1', 'a3']);
  });

  it('returns the events after an id across groups in delivery order', () => {
    const b = new ReplayBuffer(10);
    for (const [group, id] of [['a', '1'], ['b', '2'], ['a', '3'], ['b', '4']] as const) b.add(g(group), env(id));
    assert.deepEqual(b.after(b.ordOf('2')!).map((e) => e.event.id), ['3', '4']);
  });

  it('knows when a group lost events newer than a position', () => {
    const b = new ReplayBuffer(1);
    b.add(g('a'), env('1'));
    b.add(g('b'), env('2'));
    const pos = b.ordOf('2')!;
    b.add(g('a'), env('3'));
    assert.equal(b.lostAfter(g('a'), pos), false);
    b.add(g('a'), env('4'));
    assert.equal(b.lostAfter(g('a'), pos), true);
    assert.equal(b.lostAfter(g('b'), pos), false);
  });

  it('refuses an event id it already holds (a redelivery)', () => {
    const b = new ReplayBuffer(4);
    assert.ok(b.add(g('a'), env('1')));
    assert.equal(b.add(g('a'), env('1')), undefined);
    assert.equal(b.add(u('x'), env('1')), undefined);
    assert.equal(b.after(0).length, 1);
  });

  it('keeps personal events per user, apart from groups, and gives each user only their own', () => {
    const b = new ReplayBuffer(10);
    b.add(g('a'), env('g1'));
    b.add(u('ann'), env('p1'));
    b.add(u('bob'), env('p2'));
    b.add(g('a'), env('g2'));
    assert.deepEqual(b.after(0).map((e) => e.event.id), ['g1', 'g2'], 'no personal events without a user');
    assert.deepEqual(b.after(0, 'ann').map((e) => e.event.id), ['g1', 'p1', 'g2']);
    assert.deepEqual(b.after(b.ordOf('p1')!, 'bob').map((e) => e.event.id), ['p2', 'g2'], 'a personal event id is a position too');
    const p1 = b.after(0, 'ann').find((e) => e.event.id === 'p1')!;
    assert.equal(p1.groupId, null);
    assert.equal(p1.userId, 'ann');
  });

  it('counts a user\'s ring apart: one user\'s flood neither evicts nor loses another\'s', () => {
    const b = new ReplayBuffer(2);
    b.add(u('ann'), env('a1'));
    const pos = b.ordOf('a1')!;
    for (const id of ['b1', 'b2', 'b3']) b.add(u('bob'), env(id));
    b.add(g('ann'), env('same id as a user, other kind'));
    assert.equal(b.ordOf('a1'), pos);
    assert.equal(b.lostAfter(u('ann'), pos), false);
    assert.equal(b.lostAfter(u('bob'), pos), true);
    assert.equal(b.lostAfter(g('ann'), pos), false);
  });
});
