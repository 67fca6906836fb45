import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkInvite, inviteUsable, type InviteState } from './invites.ts';

const now = Date.parse('2030-06-01T12:00:00.000Z');
const valid: InviteState = { expiresAt: '2030-06-02T12:00:00.000Z', maxUses: 3, uses: 0, revokedAt: null };

describe('invite validity', () => {
  it('given a fresh invite, when used before it expires, then it admits', () => {
    assert.doesNotThrow(() => checkInvite(valid, now));
    assert.equal(inviteUsable(valid, now), true);
  });

  it('given an unknown code, then users.invite_invalid', () => {
    assert.throws(() => checkInvite(undefined, now), { code: 'users.invite_invalid', kind: 'not_found' });
  });

  it('given an invite, when used at the instant it expires or later, then users.invite_expired', () => {
    assert.throws(() => checkInvite(valid, Date.parse(valid.expiresAt)), { code: 'users.invite_expired' });
    assert.throws(() => checkInvite(valid, Date.parse(valid.expiresAt) + 1), { code: 'users.invite_expired' });
    assert.doesNotThrow(() => checkInvite(valid, Date.parse(valid.expiresAt) - 1));
  });

  it('given an invite used maxUses times, then users.invite_used_up; one use fewer still admits', () => {
    assert.throws(() => checkInvite({ ...valid, uses: 3 }, now), { code: 'users.invite_used_up', kind: 'not_found' });
    assert.doesNotThrow(() => checkInvite({ ...valid, uses: 2 }, now));
  });

  it('given a revoked invite, then users.invite_revoked, even when it is also expired', () => {
    const revoked = { ...valid, revokedAt: '2030-06-01T00:00:00.000Z' };
    assert.throws(() => checkInvite(revoked, now), { code: 'users.invite_revoked' });
    assert.throws(() => checkInvite(revoked, Date.parse(valid.expiresAt) + 1), { code: 'users.invite_revoked' });
    assert.equal(inviteUsable(revoked, now), false);
  });
});
