import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { call, local, saga, sagaCommand } from './define.ts';

const Hold = sagaCommand('depot', 'hold', { version: 1, request: v.object({ key: v.string() }), reply: v.object({}) });
const noop = local<unknown>({ name: 'noop', run: async () => undefined });

describe('saga definitions', () => {
  it('puts a step command on saga.<participant>.<name> wrapped in the saga id and step', () => {
    assert.equal(Hold.subject, 'saga.depot.hold');
    assert.equal(v.safeParse(Hold.request, { sagaId: 's', step: 'hold', data: { key: 'k' } }).success, true);
    assert.equal(v.safeParse(Hold.request, { sagaId: 's', step: 'undo:hold', data: { key: 'k' } }).success, true);
    assert.equal(v.safeParse(Hold.request, { sagaId: '', step: 'hold', data: { key: 'k' } }).success, false);
    assert.equal(v.safeParse(Hold.request, { sagaId: 's', step: 'Hold!', data: { key: 'k' } }).success, false);
    assert.equal(v.safeParse(Hold.request, { sagaId: 's', step: 'hold', data: {} }).success, false);
  });

  it('refuses two steps of one name, a badly named step or type, and a cancellation boundary that names no step', () => {
    const hold = call<unknown, typeof Hold>({ name: 'hold', send: Hold, request: () => ({ key: 'k' }) });
    assert.throws(() => saga({ type: 'move', input: v.unknown(), steps: [hold, hold] }), /two steps named hold/);
    assert.throws(() => saga({ type: 'Move', input: v.unknown(), steps: [noop] }), /saga type/);
    assert.throws(() => saga({ type: 'move', input: v.unknown(), steps: [local({ name: 'a b', run: async () => undefined })] }), /step "a b"/);
    assert.throws(() => saga({ type: 'move', input: v.unknown(), steps: [noop], cancellableUntil: 'later' }), /cancellableUntil/);
    assert.equal(saga({ type: 'move', input: v.unknown(), steps: [hold, noop], cancellableUntil: 'noop' }).steps.length, 2);
  });
});
