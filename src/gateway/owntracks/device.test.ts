import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { location } from '../../contracts/index.ts';
import { deviceOf, sanitiseLabel } from './device.ts';

describe('deviceOf', () => {
  // https://owntracks.org/booklet/tech/http/ — "X-Limit-U: jjolie", "X-Limit-D: myphone"
  it('reads X-Limit-U and X-Limit-D from Fetch headers', () => {
    const headers = new Headers({ 'Content-Type': 'application/json', 'X-Limit-U': 'jjolie', 'X-Limit-D': 'myphone' });
    assert.deepEqual(deviceOf({ headers }), { user: 'jjolie', device: 'myphone' });
  });

  it('reads them from a plain record in any case', () => {
    assert.deepEqual(deviceOf({ headers: { 'x-limit-u': 'jjolie', 'X-LIMIT-D': 'myphone' } }), { user: 'jjolie', device: 'myphone' });
  });

  // https://github.com/owntracks/recorder#http-mode — "/pub?u=jane&d=3s"
  it('reads ?u= and ?d= from the query', () => {
    assert.deepEqual(deviceOf({ query: new URLSearchParams('u=jane&d=3s') }), { user: 'jane', device: '3s' });
    assert.deepEqual(deviceOf({ query: { u: 'jane', d: '3s' } }), { user: 'jane', device: '3s' });
  });

  it('prefers the headers to the query, as the Recorder does', () => {
    const got = deviceOf({ headers: { 'X-Limit-D': 'header-phone' }, query: { u: 'jane', d: 'query-phone' } });
    assert.deepEqual(got, { user: 'jane', device: 'header-phone' });
  });

  it('falls back to the payload topic (iOS, Android ≥ 2.4)', () => {
    assert.deepEqual(deviceOf({ topic: 'owntracks/jane/phone' }), { user: 'jane', device: 'phone' });
    assert.deepEqual(deviceOf({ headers: {}, topic: 'owntracks/jane' }), { user: null, device: 'owntracks' });
  });

  it('falls back to "owntracks" and no user when nothing names them', () => {
    assert.deepEqual(deviceOf({}), { user: null, device: 'owntracks' });
  });

  it('passes over a name with nothing usable in it', () => {
    assert.deepEqual(deviceOf({ headers: { 'X-Limit-D': '///' }, query: { d: 'phone' } }), { user: null, device: 'phone' });
  });

  it('makes a device name a Hearth device label', () => {
    assert.equal(deviceOf({ headers: { 'X-Limit-D': "Zoë's iPhone 15" } }).device, 'Zoe-s-iPhone-15');
  });
});

describe('sanitiseLabel', () => {
  const table: [string | null | undefined, string | null][] = [
    ['myphone', 'myphone'],
    ['jane@home:1.2_x-y', 'jane@home:1.2_x-y'],
    ["Jane's iPhone", 'Jane-s-iPhone'],
    ['owntracks/jane/phone', 'owntracks-jane-phone'],
    ['  phone  ', 'phone'],
    ['Zoë', 'Zoe'],
    ['手机', null],
    ['', null],
    [null, null],
    [undefined, null],
    ['x'.repeat(100), 'x'.repeat(64)],
    [`${'x'.repeat(63)} y`, 'x'.repeat(63)],
  ];
  for (const [raw, want] of table) {
    it(`makes ${JSON.stringify(raw)?.slice(0, 30)} ${JSON.stringify(want)?.slice(0, 30)}`, () => {
      const got = sanitiseLabel(raw);
      assert.equal(got, want);
      if (got !== null) assert.ok(v.is(location.Device, got));
    });
  }
});
