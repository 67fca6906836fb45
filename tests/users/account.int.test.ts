/** The account itself: profile, app passwords, and deleting the account. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { users } from '../../src/contracts/index.ts';
import { rejectsWith, startUsers, type UsersHarness } from './support.ts';
import { waitFor } from '../support/poll.ts';
import { collectEvents, useBroker } from '../support/broker.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { signUpDirect } from '../support/accounts.ts';

const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('users: account', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('users-account');
  let h: UsersHarness;

  before(async () => {
    h = await startUsers(broker().url, dir, (c) => void (c.users.registration = 'open'));
  });
  after(() => h?.stop());

  it('shows the profile without any secret, and updates name and avatar; a change of either is an event', async () => {
    const events = collectEvents(h.nc, 'evt.users.user.profile_updated');
    const a = await signUpDirect(h, 'Ann');
    const me = await h.call(users.GetMe, { actor: a.actor });
    assert.deepEqual(Object.keys(me).sort(), ['admin', 'avatar', 'createdAt', 'displayName', 'email', 'id']);
    assert.deepEqual({ id: me.id, email: me.email, displayName: me.displayName, avatar: me.avatar }, { id: a.userId, email: 'ann@example.com', displayName: 'Ann', avatar: null });
    const withAvatar = await h.call(users.UpdateProfile, { actor: a.actor, avatar: PNG });
    assert.equal(withAvatar.avatar, PNG);
    const renamed = await h.call(users.UpdateProfile, { actor: a.actor, displayName: '  Annie ' });
    assert.deepEqual([renamed.displayName, renamed.avatar], ['Annie', PNG]);
    assert.equal((await h.call(users.UpdateProfile, { actor: a.actor, avatar: null })).avatar, null);
    assert.equal((await h.call(users.UpdateProfile, { actor: a.actor, displayName: 'Annie', avatar: null })).avatar, null, 'nothing changed');
    await waitFor('profile events', () => events.envelopes.length >= 3);
    await new Promise((r) => setTimeout(r, 100));
    // The avatar's changes travel as the same event (the name unchanged): the gateway renews the face it keeps for phones.
    assert.deepEqual(
      events.envelopes.map((e) => e.data),
      [{ userId: a.userId, displayName: 'Ann' }, { userId: a.userId, displayName: 'Annie' }, { userId: a.userId, displayName: 'Annie' }],
    );
  });

  it('gives the OwnTracks faces of oneself and of group mates only, made small from the avatar', async () => {
    const dee = await signUpDirect(h, 'Dee');
    const eve = await signUpDirect(h, 'Eve');
    const stranger = await signUpDirect(h, 'Fay');
    const group = await h.call(users.CreateGroup, { actor: dee.actor, name: 'Pair' });
    const invite = await h.call(users.CreateInvite, { actor: dee.actor, groupId: group.id });
    await h.call(users.AcceptInvite, { actor: eve.actor, code: invite.code });
    for (const u of [dee, stranger]) await h.call(users.UpdateProfile, { actor: u.actor, avatar: PNG });
    // An avatar set before faces existed (users migration 3) gets its face when first asked for.
    await h.svc.db.write((tx) => tx.execute('UPDATE users SET face = NULL WHERE id = ?', [dee.userId]));
    const { faces } = await h.call(users.GetFaces, { actor: eve.actor, userIds: [dee.userId, stranger.userId, eve.userId, dee.userId] });
    const byId = new Map(faces.map((f) => [f.userId, f.face]));
    assert.match(byId.get(dee.userId) ?? '', /^\/9j\//, 'a JPEG, base64 with no data: prefix');
    assert.equal(byId.get(stranger.userId), null, 'not a group mate');
    assert.equal(byId.get(eve.userId), null, 'no avatar');
    assert.equal(faces.length, 3, 'each user once');
    const [row] = await h.svc.db.query('SELECT face FROM users WHERE id = ?', [dee.userId]);
    assert.equal(row!.face, byId.get(dee.userId), 'made once and kept');
    await h.call(users.UpdateProfile, { actor: dee.actor, avatar: null });
    assert.equal((await h.call(users.GetFaces, { actor: eve.actor, userIds: [dee.userId] })).faces[0]!.face, null, 'gone with the avatar');
    await rejectsWith(h.call(users.GetFaces, { actor: eve.actor, userIds: ['not-an-id'] as string[] }), 'kit.invalid_request');
  });

  it('creates app passwords shown once and stored hashed, verifies them by email, lists and revokes them', async () => {
    const b = await signUpDirect(h, 'Ben');
    const created = await h.call(users.CreateAppPassword, { actor: b.actor, label: 'OwnTracks phone' });
    assert.match(created.password, /^hap_[A-Za-z0-9_-]{32}$/);
    const stored = await h.svc.db.query('SELECT * FROM app_passwords WHERE id = ?', [created.id]);
    assert.ok(!JSON.stringify(stored).includes(created.password.slice(4)), 'the secret itself was stored');
    let list = (await h.call(users.ListAppPasswords, { actor: b.actor })).items;
    assert.deepEqual(list.map((i) => [i.id, i.label, i.lastUsedAt]), [[created.id, 'OwnTracks phone', null]]);
    assert.ok(!JSON.stringify(list).includes(created.password));

    assert.deepEqual(await h.call(users.VerifyAppPassword, { email: 'BEN@example.com', password: created.password }), { userId: b.userId, appPasswordId: created.id });
    list = (await h.call(users.ListAppPasswords, { actor: b.actor })).items;
    assert.ok(list[0]!.lastUsedAt, 'verification noted when it was used');
    await rejectsWith(h.call(users.VerifyAppPassword, { email: b.email, password: b.password }), 'users.bad_credentials', 'unauthorized');
    const c = await signUpDirect(h, 'Cat');
    await rejectsWith(h.call(users.VerifyAppPassword, { email: c.email, password: created.password }), 'users.bad_credentials', 'unauthorized');

    await rejectsWith(h.call(users.RevokeAppPassword, { actor: c.actor, id: created.id }), 'users.no_such_app_password', 'not_found');
    await h.call(users.RevokeAppPassword, { actor: b.actor, id: created.id });
    await rejectsWith(h.call(users.VerifyAppPassword, { email: b.email, password: created.password }), 'users.bad_credentials');
    assert.deepEqual((await h.call(users.ListAppPasswords, { actor: b.actor })).items, []);
  });

  it('refuses to delete an account without the right password', async () => {
    const d = await signUpDirect(h, 'Dan');
    await rejectsWith(h.call(users.DeleteAccount, { actor: d.actor, password: 'not my password' }), 'users.wrong_password', 'forbidden');
    await h.call(users.GetMe, { actor: d.actor });
  });

  it('refuses to delete the owner of a group with other members until ownership is transferred', async () => {
    const o = await signUpDirect(h, 'Olga');
    const m = await signUpDirect(h, 'Max');
    const g = await h.call(users.CreateGroup, { actor: o.actor, name: 'Shared' });
    await h.call(users.AcceptInvite, { actor: m.actor, code: (await h.call(users.CreateInvite, { actor: o.actor, groupId: g.id })).code });
    await assert.rejects(h.call(users.DeleteAccount, { actor: o.actor, password: o.password }), (e: { code: string; kind: string; details: unknown }) => {
      assert.deepEqual([e.code, e.kind, e.details], ['users.owner_must_transfer', 'conflict', { groupIds: [g.id] }]);
      return true;
    });
    await h.call(users.TransferOwnership, { actor: o.actor, groupId: g.id, userId: m.userId });
    await h.call(users.DeleteAccount, { actor: o.actor, password: o.password });
    await waitFor('Olga gone from the group', async () => {
      const { members } = await h.call(users.ListMembers, { actor: m.actor, groupId: g.id });
      return members.length === 1 && members[0]!.displayName === 'Max';
    });
  });

  it('deletes the account: groups where alone are deleted, other groups are left, sessions end, the email is free', async () => {
    const events = collectEvents(h.nc, 'evt.users.>');
    const z = await signUpDirect(h, 'Zoe');
    const other = await signUpDirect(h, 'Yan');
    const solo = await h.call(users.CreateGroup, { actor: z.actor, name: 'Solo' });
    const shared = await h.call(users.CreateGroup, { actor: other.actor, name: 'Shared' });
    await h.call(users.AcceptInvite, { actor: z.actor, code: (await h.call(users.CreateInvite, { actor: other.actor, groupId: shared.id })).code });
    await h.call(users.CreateAppPassword, { actor: z.actor, label: 'script' });
    const before = events.envelopes.length;
    const started = await h.call(users.DeleteAccount, { actor: z.actor, password: z.password });
    assert.equal(started.status, 'running');

    const about = (e: { data: unknown }) => (e.data as { userId?: string }).userId === z.userId || (e.data as { groupId?: string }).groupId === solo.id;
    await waitFor('UserDeleted', () => events.envelopes.some((e) => e.type === 'user.deleted' && about(e)));
    // The saga: groups first (its first step), the sessions and the account last.
    assert.deepEqual(
      events.envelopes.slice(before).filter(about).map((e) => [e.type, e.data]),
      [
        ['user.deletion_requested', { userId: z.userId }],
        ['group.deleted', { groupId: solo.id }],
        ['group.member_left', { groupId: shared.id, userId: z.userId }],
        ['session.revoked', { userId: z.userId, sessionId: z.sessionId, reason: 'account_deleted' }],
        ['user.deleted', { userId: z.userId }],
      ],
    );
    await rejectsWith(h.call(users.GetMe, { actor: { userId: z.userId } }), 'users.unknown_user', 'unauthorized');
    await rejectsWith(h.call(users.Refresh, { refreshToken: z.tokens.refreshToken }), 'users.refresh_invalid', 'unauthorized');
    await rejectsWith(h.call(users.Login, { email: z.email, password: z.password }), 'users.bad_credentials');
    for (const table of ['users', 'sessions', 'app_passwords', 'members']) {
      const rows = await h.svc.db.query(`SELECT * FROM ${table} WHERE ${table === 'users' ? 'id' : 'user_id'} = ?`, [z.userId]);
      assert.equal(rows.length, 0, `${table} still holds the user`);
    }
    assert.equal((await h.svc.db.query('SELECT * FROM groups WHERE id = ?', [solo.id])).length, 0);
    const again = await h.call(users.Register, { email: z.email, password: 'a fresh long password', displayName: 'Zoe again' });
    assert.notEqual(again.userId, z.userId);
  });
});
