import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAvatar } from './avatar.ts';

const url = (type: string, bytes: number[] | string) => `data:${type};base64,${Buffer.from(bytes as never).toString('base64')}`;
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
const JPEG = [0xff, 0xd8, 0xff, 0xe0, 0, 16];
const WEBP = [...Buffer.from('RIFF'), 4, 0, 0, 0, ...Buffer.from('WEBPVP8 ')];
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>';

describe('avatar signatures', () => {
  for (const [type, bytes] of [['image/png', PNG], ['image/jpeg', JPEG], ['image/webp', WEBP]] as const) {
    it(`accepts ${type} bytes labelled ${type}`, () => assert.doesNotThrow(() => checkAvatar(url(type, [...bytes]))));
  }

  const REFUSED: [string, string][] = [
    ['SVG bytes labelled image/png', url('image/png', SVG)],
    ['SVG bytes labelled image/jpeg', url('image/jpeg', SVG)],
    ['JPEG bytes labelled image/png', url('image/png', JPEG)],
    ['PNG bytes labelled image/webp', url('image/webp', PNG)],
    ['a RIFF that is not WebP (a WAV)', url('image/webp', [...Buffer.from('RIFF'), 4, 0, 0, 0, ...Buffer.from('WAVEfmt ')])],
    ['a truncated PNG signature', url('image/png', PNG.slice(0, 5))],
    ['no bytes at all', 'data:image/png;base64,'],
    ['an SVG data URL', url('image/svg+xml', SVG)],
  ];
  for (const [name, dataUrl] of REFUSED) {
    it(`refuses ${name} as users.avatar_mismatch (validation), naming the field`, () => {
      assert.throws(() => checkAvatar(dataUrl), (err: any) => {
        assert.equal(err.code, 'users.avatar_mismatch');
        assert.equal(err.kind, 'validation');
        assert.equal(err.details.issues[0].path, 'avatar');
        return true;
      });
    });
  }
});
