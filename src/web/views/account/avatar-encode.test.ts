import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AVATAR_LIMITS, cropOf, fits } from './avatar-encode.ts';

describe('avatar crop and limits', () => {
  it('cuts the largest centred square at zoom 1', () => {
    assert.deepEqual(cropOf(400, 300, 1, 200, 150), { x: 50, y: 0, side: 300 });
    assert.deepEqual(cropOf(300, 400, 1, 150, 200), { x: 0, y: 50, side: 300 });
  });

  it('shrinks the square as the zoom grows, around the chosen centre', () => {
    assert.deepEqual(cropOf(400, 300, 2, 100, 100), { x: 25, y: 25, side: 150 });
  });

  it('keeps the square inside the picture when the centre is moved past an edge', () => {
    assert.deepEqual(cropOf(400, 300, 2, -500, 9999), { x: 0, y: 150, side: 150 });
    assert.deepEqual(cropOf(400, 300, 0.5, 0, 0), { x: 0, y: 0, side: 300 }, 'no zoom below 1');
  });

  it('accepts data URLs within 64 KiB of image and 90 000 characters, and refuses larger ones', () => {
    const url = (bytes: number) => `data:image/webp;base64,${'A'.repeat(Math.ceil(bytes / 3) * 4)}`;
    assert.equal(fits(url(60_000)), true);
    assert.equal(fits(url(AVATAR_LIMITS.bytes + 3)), false);
    assert.equal(fits(`data:image/webp;base64,${'A'.repeat(AVATAR_LIMITS.chars)}`), false);
  });
});
