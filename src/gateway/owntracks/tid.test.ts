import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assignTids, tidOf } from './tid.ts';

describe('tidOf', () => {
  const table: [string, string][] = [
    ['Jane Jolie', 'JJ'],
    ['john doe', 'JD'],
    ['Jean-Luc Picard', 'JP'],
    ['Mary Jane Watson', 'MW'],
    ['Cher', 'CH'],
    ['  élodie   durand ', 'ÉD'],
    ['straße', 'ST'],
    ['ßtefan', 'ST'],
    ['李 小龙', '李小'],
    ['J', 'J1'],
    ['R2', 'R2'],
    ['😀 🎉', 'AA'],
    ['', 'AA'],
  ];
  for (const [name, tid] of table) {
    it(`gives ${JSON.stringify(name)} the tid ${tid}`, () => {
      assert.equal(tidOf(name), tid);
      assert.equal([...tidOf(name)].length, 2);
    });
  }
});

describe('assignTids', () => {
  it('gives each entry its initials when they are free', () => {
    const tids = assignTids([{ key: 'a', name: 'Jane Jolie' }, { key: 'b', name: 'John Doe' }]);
    assert.deepEqual([...tids], [['a', 'JJ'], ['b', 'JD']]);
  });

  it('gives the next candidate to a name whose initials are taken, first come first served', () => {
    const tids = assignTids([
      { key: 'a', name: 'Jane Doe' },
      { key: 'b', name: 'John Doe' },
      { key: 'c', name: 'Jo' },
      { key: 'd', name: 'Jo' },
    ]);
    assert.deepEqual([...tids.values()], ['JD', 'JO', 'J1', 'J2']);
  });

  it('never hands out a tid twice, even to many entries of one name', () => {
    const entries = Array.from({ length: 1400 }, (_, i) => ({ key: String(i), name: 'Ann Ames' }));
    const tids = [...assignTids(entries).values()];
    assert.equal(new Set(tids).size, entries.length);
    assert.equal(tids.filter((t) => t.length === 2).length, 36 * 36);
  });
});
