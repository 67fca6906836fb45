import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideRefresh, sessionExpired, type PresentedToken } from './refresh.ts';

const DAY = 86_400_000;
const ttl = 30 * DAY;
const lastUsedAt = '2030-06-01T00:00:00.000Z';
const t0 = Date.parse(lastUsedAt);
const token = (o: { spent?: boolean; revoked?: boolean } = {}): PresentedToken => ({
  spent: o.spent ?? false,
  session: { revoked: o.revoked ?? false, lastUsedAt },
});

describe('refresh-token families', () => {
  it('given the current token of a live session, when presented, then it is rotated', () => {
    assert.equal(decideRefresh(token(), t0 + DAY, ttl), 'rotate');
  });

  it('given a token already spent, when presented again, then the whole family is revoked', () => {
    assert.equal(decideRefresh(token({ spent: true }), t0 + DAY, ttl), 'revoke_family');
  });

  it('given a spent token of an expired session, when presented, then the family is still revoked (a replay is a replay)', () => {
    assert.equal(decideRefresh(token({ spent: true }), t0 + 2 * ttl, ttl), 'revoke_family');
  });

  it('given any token of a revoked session, then users.session_revoked and nothing more to do', () => {
    assert.throws(() => decideRefresh(token({ revoked: true }), t0, ttl), { code: 'users.session_revoked', kind: 'unauthorized' });
    assert.throws(() => decideRefresh(token({ revoked: true, spent: true }), t0, ttl), { code: 'users.session_revoked' });
  });

  it('given a session not refreshed for the whole ttl, then users.session_expired', () => {
    assert.throws(() => decideRefresh(token(), t0 + ttl, ttl), { code: 'users.session_expired', kind: 'unauthorized' });
    assert.equal(decideRefresh(token(), t0 + ttl - 1, ttl), 'rotate');
    assert.equal(sessionExpired(lastUsedAt, t0 + ttl - 1, ttl), false);
  });

  it('given an unknown token, then users.refresh_invalid', () => {
    assert.throws(() => decideRefresh(undefined, t0, ttl), { code: 'users.refresh_invalid', kind: 'unauthorized' });
  });
});
