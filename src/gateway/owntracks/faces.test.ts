import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FACE_TTL_MS, FaceCache } from './faces.ts';

describe('FaceCache', () => {
  it('asks only for faces it does not keep, keeps them FACE_TTL_MS, and forgets one on demand', async () => {
    let now = 0;
    const asked: string[][] = [];
    const cache = new FaceCache(() => now);
    const fetch = async (ids: string[]) => (asked.push(ids), { faces: ids.map((userId) => ({ userId, face: userId === 'a' ? 'FACE' : null })) });
    assert.deepEqual([...(await cache.facesFor(['a', 'b'], fetch))], [['a', 'FACE'], ['b', null]]);
    assert.deepEqual([...(await cache.facesFor(['a', 'b'], fetch))], [['a', 'FACE'], ['b', null]]);
    assert.deepEqual(asked, [['a', 'b']], 'kept, null included');
    cache.forget('a');
    await cache.facesFor(['a', 'b'], fetch);
    assert.deepEqual(asked.at(-1), ['a']);
    now += FACE_TTL_MS;
    await cache.facesFor(['a', 'b'], fetch);
    assert.deepEqual(asked.at(-1), ['a', 'b'], 'asked again once too old');
  });

  it('asks for many faces in slices GetFaces takes', async () => {
    const sizes: number[] = [];
    const cache = new FaceCache(() => 0);
    const ids = Array.from({ length: 1201 }, (_, i) => `u${i}`);
    const got = await cache.facesFor(ids, async (some) => (sizes.push(some.length), { faces: some.map((userId) => ({ userId, face: null })) }));
    assert.deepEqual(sizes, [500, 500, 201]);
    assert.equal(got.size, 1201);
  });
});
