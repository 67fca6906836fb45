/**
 * Sessions: refresh rotation and re-use detection (the whole family ends), sign-out here or
 * everywhere, revoking a device, password change ending the other sessions, idle expiry.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { users } from '../../src/contracts/index.ts';
import { verifyAccessToken, rejectsWith, startUsers, type UsersHarness } from './support.ts';
import { waitFor } from '../support/poll.ts';
import { collectEvents, useBroker } from '../support/broker.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { signInDirect, signUpDirect } from '../support/accounts.ts';

const DAY = 86_400_000;

describe('users: sessions', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('users-sessions');
  let h: UsersHarness;

  before(async () => {
    h = await startUsers(broker().url, dir, (c) => void (c.users.registration = 'open'));
  });
  after(() => h?.stop());

  const verify = (token: string) => verifyAccessToken(h, token);

  it('rotates the refresh token on every refresh; the new pair works, the old access token stays valid until it expires', async () => {
    const c = await signUpDirect(h, 'Carol');
    const r1 = await h.call(users.Refresh, { refreshToken: c.tokens.refreshToken });
    assert.notEqual(r1.refreshToken, c.tokens.refreshToken);
    assert.equal(r1.sessionId, c.sessionId);
    assert.equal((await verify(r1.accessToken)).payload.sid, c.sessionId);
    const r2 = await h.call(users.Refresh, { refreshToken: r1.refreshToken });
    assert.equal(r2.userId, c.userId);
    await rejectsWith(h.call(users.Refresh, { refreshToken: 'never-issued-token' }), 'users.refresh_invalid', 'unauthorized');
  });

  it('revokes the whole session when a spent refresh token is presented again, and the newest token stops working too', async () => {
    const events = collectEvents(h.nc, 'evt.users.session.revoked');
    const d = await signUpDirect(h, 'Dave');
    const other = await signInDirect(h, d.email, d.password);
    const fresh = await h.call(users.Refresh, { refreshToken: d.tokens.refreshToken });
    await rejectsWith(h.call(users.Refresh, { refreshToken: d.tokens.refreshToken }), 'users.refresh_reused', 'unauthorized');
    await rejectsWith(h.call(users.Refresh, { refreshToken: fresh.refreshToken }), 'users.session_revoked', 'unauthorized');
    await rejectsWith(h.call(users.GetMe, { actor: d.actor }), 'users.session_revoked', 'unauthorized');
    await waitFor('SessionRevoked', () => events.envelopes.find((e) => (e.data as { sessionId: string }).sessionId === d.sessionId));
    assert.deepEqual(events.envelopes.map((e) => e.data), [{ userId: d.userId, sessionId: d.sessionId, reason: 'refresh_reuse' }]);
    // the other session of the same user is not part of the family
    await h.call(users.Refresh, { refreshToken: other.tokens.refreshToken });
  });

  it('signs out one session, or every session with everywhere', async () => {
    const e = await signUpDirect(h, 'Eve');
    const phone = await signInDirect(h, e.email, e.password, 'Eve', 'phone');
    const laptop = await signInDirect(h, e.email, e.password, 'Eve', 'laptop');
    assert.deepEqual(await h.call(users.Logout, { actor: e.actor }), { revoked: 1 });
    await rejectsWith(h.call(users.Refresh, { refreshToken: e.tokens.refreshToken }), 'users.session_revoked');
    const { sessions } = await h.call(users.ListSessions, { actor: phone.actor });
    assert.deepEqual(sessions.map((s) => [s.device, s.current]), [['phone', true], ['laptop', false]]);
    assert.deepEqual(await h.call(users.Logout, { actor: laptop.actor, everywhere: true }), { revoked: 2 });
    for (const s of [phone, laptop]) await rejectsWith(h.call(users.Refresh, { refreshToken: s.tokens.refreshToken }), 'users.session_revoked');
    await rejectsWith(h.call(users.Logout, { actor: { userId: e.userId } }), 'users.no_session', 'validation');
  });

  it('revokes one device with RevokeSession, but only the actor’s own', async () => {
    const f = await signUpDirect(h, 'Fay');
    const tablet = await signInDirect(h, f.email, f.password, 'Fay', 'tablet');
    const stranger = await signUpDirect(h, 'Stranger');
    await rejectsWith(h.call(users.RevokeSession, { actor: stranger.actor, sessionId: tablet.sessionId }), 'users.no_such_session', 'not_found');
    await h.call(users.RevokeSession, { actor: f.actor, sessionId: tablet.sessionId });
    await rejectsWith(h.call(users.Refresh, { refreshToken: tablet.tokens.refreshToken }), 'users.session_revoked');
    await h.call(users.RevokeSession, { actor: f.actor, sessionId: tablet.sessionId }); // again: nothing to do, no error
  });

  it('changes the password only with the current one, and revokes every other session', async () => {
    const g = await signUpDirect(h, 'Gus');
    const other = await signInDirect(h, g.email, g.password);
    await rejectsWith(h.call(users.ChangePassword, { actor: g.actor, currentPassword: 'wrong password!', newPassword: 'a brand new password' }), 'users.wrong_password', 'forbidden');
    assert.deepEqual(await h.call(users.ChangePassword, { actor: g.actor, currentPassword: g.password, newPassword: 'a brand new password' }), { revoked: 1 });
    await rejectsWith(h.call(users.Refresh, { refreshToken: other.tokens.refreshToken }), 'users.session_revoked');
    await h.call(users.Refresh, { refreshToken: g.tokens.refreshToken }); // the session it was changed from lives on
    await rejectsWith(h.call(users.Login, { email: g.email, password: g.password }), 'users.bad_credentials');
    await signInDirect(h, g.email, 'a brand new password');
  });

  it('expires a session not refreshed for refresh_token_ttl_days, and hides it from the list', async () => {
    const i = await signUpDirect(h, 'Ian');
    try {
      h.clock.offset = 30 * DAY - 60_000;
      const r = await h.call(users.Refresh, { refreshToken: i.tokens.refreshToken }); // refreshing keeps it alive …
      h.clock.offset = 60 * DAY - 120_000;
      await h.call(users.Refresh, { refreshToken: r.refreshToken }).then((x) => (i.tokens = x));
      h.clock.offset = 90 * DAY; // … idling for 30 days ends it
      await rejectsWith(h.call(users.Refresh, { refreshToken: i.tokens.refreshToken }), 'users.session_expired', 'unauthorized');
      assert.deepEqual((await h.call(users.ListSessions, { actor: i.actor })).sessions, []);
    } finally {
      h.clock.offset = 0;
    }
  });
});
