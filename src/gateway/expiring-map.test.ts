import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpiringMap } from './expiring-map.ts';

describe('ExpiringMap', () => {
  it('gives an entry until its own instant, from time 0 on, and drops it then', () => {
    const m = new ExpiringMap<string, number>(10);
    m.set('a', 1, 100, 0);
    m.set('b', 2, 50, 0);
    assert.deepEqual([m.get('a', 0), m.get('b', 49)], [1, 2]);
    assert.equal(m.get('b', 50), undefined, 'gone at its instant');
    assert.equal(m.size, 1);
    assert.equal(m.get('a', 99), 1);
    m.prune(100);
    assert.equal(m.size, 0);
  });

  it('keeps its bound: expired entries go first, then the oldest', () => {
    const m = new ExpiringMap<string, number>(2);
    m.set('old', 1, 1000, 0);
    m.set('short', 2, 10, 0);
    m.set('new', 3, 1000, 20); // short has expired: it goes, old stays
    assert.deepEqual([m.get('old', 20), m.get('new', 20)], [1, 3]);
    m.set('newer', 4, 1000, 30); // both live: the oldest goes
    assert.deepEqual([m.get('old', 30), m.get('new', 30), m.get('newer', 30)], [undefined, 3, 4]);
    m.set('new', 5, 1000, 40); // a key set again is the newest
    m.set('last', 6, 1000, 40);
    assert.deepEqual([m.get('newer', 40), m.get('new', 40)], [undefined, 5]);
  });

  it('deletes one key, or every entry whose value matches', () => {
    const m = new ExpiringMap<string, string>(10);
    for (const [k, v] of [['p1', 'ann'], ['p2', 'bob'], ['p3', 'ann']]) m.set(k!, v!, 100, 0);
    m.deleteWhere((user) => user === 'ann');
    assert.deepEqual([m.get('p1', 0), m.get('p2', 0), m.get('p3', 0)], [undefined, 'bob', undefined]);
    m.delete('p2');
    assert.equal(m.size, 0);
  });
});
