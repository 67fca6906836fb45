import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as v from 'valibot';
import { TypingGate, TypingSignal } from './typing.ts';

const G = '01900000-0000-7000-8000-00000000000a';
const U = '01900000-0000-7000-8000-00000000000b';

describe('TypingGate', () => {
  it('lets the first signal through at once and one per interval after it, per user and group', () => {
    let now = 10_000;
    const gate = new TypingGate(2000, () => now);
    assert.equal(gate.admit('u', 'g'), true);
    assert.equal(gate.admit('u', 'g'), false);
    assert.equal(gate.admit('u', 'h'), true, 'another group');
    assert.equal(gate.admit('v', 'g'), true, 'another user');
    now += 1999;
    assert.equal(gate.admit('u', 'g'), false);
    now += 1;
    assert.equal(gate.admit('u', 'g'), true);
    assert.equal(gate.admit('u', 'g'), false);
  });

  it('forgets stale keys without forgetting fresh ones', () => {
    let now = 0;
    const gate = new TypingGate(2000, () => now);
    for (let i = 0; i < 1100; i++) gate.admit(`u${i}`, 'g');
    now += 2000;
    assert.equal(gate.admit('fresh', 'g'), true);
    assert.equal(gate.admit('fresh', 'g'), false);
    assert.equal(gate.admit('u1', 'g'), true);
  });
});

describe('TypingSignal', () => {
  const ok = { groupId: G, userId: U, name: 'Ann', at: '2025-01-01T10:00:00.000Z' };
  it('takes a well-formed signal, with or without a name', () => {
    assert.ok(v.is(TypingSignal, ok));
    assert.ok(v.is(TypingSignal, { ...ok, name: null }));
  });
  const bad: Array<[string, unknown]> = [
    ['no groupId', { ...ok, groupId: undefined }],
    ['a groupId that is not a UUID', { ...ok, groupId: 'family' }],
    ['a userId that is not a string', { ...ok, userId: 7 }],
    ['no name field', { groupId: G, userId: U, at: ok.at }],
    ['a huge name', { ...ok, name: 'x'.repeat(201) }],
    ['a time that is not ISO 8601', { ...ok, at: 'yesterday' }],
    ['an extra field', { ...ok, text: 'secret draft' }],
    ['a string', 'typing'],
    ['null', null],
  ];
  for (const [name, value] of bad) it(`refuses ${name}`, () => assert.equal(v.is(TypingSignal, value), false));
});
