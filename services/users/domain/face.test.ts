import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, it } from 'node:test';
import { Jimp, intToRGBA } from 'jimp';
import { FACE_PX, faceOf } from './face.ts';
import { imageSize } from './image-size.ts';

const dataUrl = (type: string, bytes: Uint8Array) => `data:${type};base64,${Buffer.from(bytes).toString('base64')}`;

describe('faceOf', () => {
  it('makes a 128×128 JPEG, base64 with no data: prefix, cut from the middle of a wide PNG', async () => {
    const wide = new Jimp({ width: 300, height: 100, color: 0x0000ffff });
    for (let x = 100; x < 200; x++) for (let y = 0; y < 100; y++) wide.setPixelColor(0xff0000ff, x, y); // red middle
    const face = await faceOf(dataUrl('image/png', await wide.getBuffer('image/png')));
    assert.ok(face && /^[A-Za-z0-9+/]+=*$/.test(face), 'plain base64');
    const bytes = Buffer.from(face, 'base64');
    assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG');
    const back = await Jimp.fromBuffer(bytes);
    assert.deepEqual([back.width, back.height], [FACE_PX, FACE_PX]);
    const { r, b } = intToRGBA(back.getPixelColor(64, 64));
    assert.ok(r > 200 && b < 60, 'the middle of the picture, not its blue sides');
  });

  it('passes a small WebP on as it is, and gives no face for what it cannot use', async () => {
    const webp = new Uint8Array([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50, 1, 2, 3]);
    assert.equal(await faceOf(dataUrl('image/webp', webp)), Buffer.from(webp).toString('base64'));
    assert.equal(await faceOf(dataUrl('image/webp', new Uint8Array(17_000))), null);
    assert.equal(await faceOf(null), null);
    assert.equal(await faceOf(dataUrl('image/png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))), null, 'a PNG header with nothing behind it');
    assert.equal(await faceOf('not a data url'), null);
  });

  it('reads the declared size of PNG and JPEG headers, and decodes nothing that declares too many pixels', async () => {
    const png = await new Jimp({ width: 33, height: 17, color: 0xffffffff }).getBuffer('image/png');
    const jpeg = await new Jimp({ width: 33, height: 17, color: 0xffffffff }).getBuffer('image/jpeg');
    assert.deepEqual(imageSize(png), { width: 33, height: 17 });
    assert.deepEqual(imageSize(jpeg), { width: 33, height: 17 });
    assert.equal(imageSize(new Uint8Array([0xff, 0xd8, 0xff])), undefined);
    // A PNG whose header says 20000×20000 (1.6 GB to decode): no face, and no attempt.
    const bomb = Buffer.from(png);
    bomb.writeUInt32BE(20_000, 16);
    bomb.writeUInt32BE(20_000, 20);
    assert.equal(await faceOf(dataUrl('image/png', bomb)), null);
  });
});
