import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Registration } from '../settings.ts';
import { decideRegistration } from './registration.ts';

const modes: Registration[] = ['open', 'invite-only', 'closed'];

describe('registration', () => {
  for (const mode of modes) {
    it(`given a fresh instance in ${mode} mode, when the first account registers without an invite, then it is admitted as admin`, () => {
      assert.deepEqual(decideRegistration({ mode, firstAccount: true, hasInvite: false }), { admin: true, useInvite: false });
    });
  }

  it('given open mode, then anyone is admitted, and an invite given is used', () => {
    assert.deepEqual(decideRegistration({ mode: 'open', firstAccount: false, hasInvite: false }), { admin: false, useInvite: false });
    assert.deepEqual(decideRegistration({ mode: 'open', firstAccount: false, hasInvite: true }), { admin: false, useInvite: true });
  });

  it('given invite-only mode, then an invite is required and used', () => {
    assert.throws(() => decideRegistration({ mode: 'invite-only', firstAccount: false, hasInvite: false }), { code: 'users.invite_required', kind: 'forbidden' });
    assert.deepEqual(decideRegistration({ mode: 'invite-only', firstAccount: false, hasInvite: true }), { admin: false, useInvite: true });
  });

  it('given closed mode, then nobody after the first is admitted, invite or not', () => {
    assert.throws(() => decideRegistration({ mode: 'closed', firstAccount: false, hasInvite: false }), { code: 'users.registration_closed', kind: 'forbidden' });
    assert.throws(() => decideRegistration({ mode: 'closed', firstAccount: false, hasInvite: true }), { code: 'users.registration_closed' });
  });
});
