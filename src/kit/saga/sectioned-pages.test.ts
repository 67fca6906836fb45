import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../errors.ts';
import { readSectionCursor, readSectionPage, sectionCursor, type Section } from './sectioned-pages.ts';

/** Two sections over arrays: numbers keyed by themselves, then one empty section, then letters. */
const data = { nums: [1, 2, 3, 4, 5], none: [] as string[], letters: ['a', 'b'] };
const over = <T extends string | number>(name: string, xs: readonly T[]): Section => ({
  name,
  read: async (after, limit) => xs.filter((x) => after === null || x > (after[0] as T)).slice(0, limit).map((x) => ({ key: [x], line: JSON.stringify({ x }) })),
});
const sections = [over('nums', data.nums), over('none', data.none), over('letters', data.letters)];

async function all(limit: number, maxBytes = 1_000_000) {
  const pages = [];
  let cursor: string | undefined;
  do {
    const p = await readSectionPage(sections, cursor, limit, maxBytes);
    pages.push(p);
    cursor = p.next;
  } while (cursor !== undefined);
  return pages;
}

describe('readSectionPage', () => {
  it('reads every section in turn, numbering pages, an empty section as an empty page', async () => {
    const pages = await all(2);
    assert.deepEqual(pages.map((p) => [p.page, p.section, p.lines.map((l) => JSON.parse(l).x)]), [
      [0, 'nums', [1, 2]], [1, 'nums', [3, 4]], [2, 'nums', [5]], [3, 'none', []], [4, 'letters', ['a', 'b']],
    ]);
  });

  it('gives the same page for the same cursor (a repeat after a crash)', async () => {
    const first = await readSectionPage(sections, undefined, 2, 1_000_000);
    assert.deepEqual(await readSectionPage(sections, first.next, 2, 1_000_000), await readSectionPage(sections, first.next, 2, 1_000_000));
  });

  it('stops a page near maxBytes, but always takes one record', async () => {
    const pages = await all(10, 10);
    assert.deepEqual(pages.filter((p) => p.section === 'nums').map((p) => p.lines.length), [1, 1, 1, 1, 1]);
  });

  it('refuses a cursor it did not write', async () => {
    for (const bad of ['x|0|', '0|9|', '0|0|{', '0|0|{"a":1}', '-1|0|', '0|0|[null]']) {
      await assert.rejects(readSectionPage(sections, bad, 2, 100), (e: unknown) => e instanceof AppError && e.code === 'kit.bad_cursor', bad);
    }
  });

  it('writes cursors that read back', () => {
    const c = { page: 7, section: 1, after: ['g|1', 42] };
    assert.deepEqual(readSectionCursor(sectionCursor(c)), c);
    assert.deepEqual(readSectionCursor(undefined), { page: 0, section: 0, after: null });
  });
});
