import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as v from 'valibot';
import { named, section, setting } from './declare.ts';
import { defaultsOf, fileSchema, rowsOf } from './derive.ts';
import { readSettings } from './read.ts';
import { bool, int, seconds } from './rules.ts';

const demo = section({
  wait_s: setting(seconds(1, 60), 5, 'how long to wait'),
  inner: section({ on: setting(bool, true, 'whether it is on') }),
  by_name: named(v.string(), section({ n: setting(int(1, 3), 1, 'how many') }), 'a section per name'),
});

describe('settings declarations', () => {
  it('refuse a default their own schema refuses', () => {
    assert.throws(() => setting(int(1, 9), 10, 'x'), /the default 10 is not an integer from 1 to 9/);
    assert.throws(() => setting(int(1, 9), 1.5, 'x'), /is not an integer/);
  });

  it('give their defaults, none for a named section', () => {
    assert.deepEqual(defaultsOf(demo), { wait_s: 5, inner: { on: true }, by_name: {} });
  });

  it('check a whole file strictly, and a named section\'s keys with their defaults', () => {
    const schema = fileSchema(demo);
    assert.deepEqual(v.parse(schema, { wait_s: 7, inner: { on: false }, by_name: { a: {} } }), { wait_s: 7, inner: { on: false }, by_name: { a: { n: 1 } } });
    assert.equal(v.safeParse(schema, { wait_s: 7, inner: { on: false }, by_name: {}, extra: 1 }).success, false);
    assert.equal(v.safeParse(schema, { inner: { on: false }, by_name: {} }).success, false);
    const issue = v.safeParse(schema, { wait_s: 0.5, inner: { on: false }, by_name: {} }).issues?.[0];
    assert.equal(issue?.message, 'an integer number of seconds from 1 to 60');
  });

  it('let a reader take defaults for what is missing and ignore what it does not read', () => {
    assert.deepEqual(readSettings({ demo }, undefined, 'x.bad_settings', 'x'), { demo: { wait_s: 5, inner: { on: true }, by_name: {} } });
    assert.deepEqual(readSettings({ demo }, { other: 1, demo: { wait_s: 9, more: 2 } }, 'x.bad_settings', 'x').demo.wait_s, 9);
    assert.throws(() => readSettings({ demo }, { demo: { wait_s: 9.5 } }, 'x.bad_settings', 'x'), { code: 'x.bad_settings', message: /demo\.wait_s: an integer number of seconds/ });
  });

  it('list every key for the docs, with what it allows', () => {
    assert.deepEqual(rowsOf(demo).map((r) => [r.path.join('.'), r.allowed]), [
      ['wait_s', 'an integer number of seconds from 1 to 60'],
      ['inner.on', 'true or false'],
      ['by_name.<name>.n', 'an integer from 1 to 3'],
    ]);
  });
});
