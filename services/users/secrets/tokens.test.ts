import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newAppPassword, newInviteCode, newRefreshToken, secretHash } from './tokens.ts';

describe('random secrets', () => {
  it('makes refresh tokens of 32 random bytes, app passwords of 24 behind hap_, invite codes of 16, all URL-safe', () => {
    assert.equal(Buffer.from(newRefreshToken(), 'base64url').length, 32);
    assert.match(newAppPassword(), /^hap_[A-Za-z0-9_-]{32}$/);
    assert.match(newInviteCode(), /^[A-Za-z0-9_-]{22}$/);
  });

  it('never repeats itself', () => {
    const seen = new Set(Array.from({ length: 1000 }, newRefreshToken));
    assert.equal(seen.size, 1000);
  });

  it('stores a secret as its SHA-256 hex, which does not contain the secret', () => {
    const t = newRefreshToken();
    assert.match(secretHash(t), /^[0-9a-f]{64}$/);
    assert.equal(secretHash(t), secretHash(t));
    assert.notEqual(secretHash(t), secretHash(t + 'x'));
  });
});
