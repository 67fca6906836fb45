/**
 * The users service's events as a consumer sees them on `evt.users.>`: which ones, in what
 * order, carrying what (names and roles, so nobody has to ask back), published only for
 * changes that committed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { users } from '../../src/contracts/index.ts';
import { rejectsWith, startUsers, type UsersHarness } from './support.ts';
import { waitFor } from '../support/poll.ts';
import { collectEvents, useBroker } from '../support/broker.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { signUpDirect } from '../support/accounts.ts';

describe('users: events', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('users-events');
  let h: UsersHarness;

  before(async () => {
    h = await startUsers(broker().url, dir); // invite-only, the default
  });
  after(() => h?.stop());

  it('emits every change of the family flow in order, with the data consumers need', async () => {
    const seen = collectEvents(h.nc, 'evt.users.>');
    const mum = await signUpDirect(h, 'Mum');
    const g = await h.call(users.CreateGroup, { actor: mum.actor, name: 'Family' });
    const inv = await h.call(users.CreateInvite, { actor: mum.actor, groupId: g.id });
    await rejectsWith(h.call(users.Register, { email: 'x@example.com', password: 'no invite given here', displayName: 'X' }), 'users.invite_required');
    const kid = await signUpDirect(h, 'Kid', inv.code);
    const dad = await signUpDirect(h, 'Dad', inv.code);
    await h.call(users.ChangeRole, { actor: mum.actor, groupId: g.id, userId: dad.userId, role: 'admin' });
    await h.call(users.RenameGroup, { actor: dad.actor, groupId: g.id, name: 'The Family' });
    await h.call(users.UpdateProfile, { actor: kid.actor, displayName: 'Kiddo' });
    await h.call(users.RemoveMember, { actor: dad.actor, groupId: g.id, userId: kid.userId });
    await h.call(users.TransferOwnership, { actor: mum.actor, groupId: g.id, userId: dad.userId });
    await h.call(users.LeaveGroup, { actor: mum.actor, groupId: g.id });
    await h.call(users.Logout, { actor: kid.actor });
    // `group.deleted` comes at the end of the group-deletion saga, once every other service
    // erased the group (tests/sagas/group-deletion.int.test.ts): users alone never gets there.

    const expected: [string, unknown][] = [
      ['user.registered', { userId: mum.userId, displayName: 'Mum', admin: true }],
      ['group.created', { groupId: g.id, name: 'Family', ownerId: mum.userId, ownerName: 'Mum' }],
      ['group.member_joined', { groupId: g.id, userId: mum.userId, displayName: 'Mum', role: 'owner' }],
      ['user.registered', { userId: kid.userId, displayName: 'Kid', admin: false }],
      ['group.member_joined', { groupId: g.id, userId: kid.userId, displayName: 'Kid', role: 'member', invitedBy: mum.userId }],
      ['user.registered', { userId: dad.userId, displayName: 'Dad', admin: false }],
      ['group.member_joined', { groupId: g.id, userId: dad.userId, displayName: 'Dad', role: 'member', invitedBy: mum.userId }],
      ['group.member_role_changed', { groupId: g.id, userId: dad.userId, role: 'admin' }],
      ['group.renamed', { groupId: g.id, name: 'The Family' }],
      ['user.profile_updated', { userId: kid.userId, displayName: 'Kiddo' }],
      ['group.member_removed', { groupId: g.id, userId: kid.userId, by: dad.userId }],
      ['group.member_role_changed', { groupId: g.id, userId: mum.userId, role: 'admin' }],
      ['group.member_role_changed', { groupId: g.id, userId: dad.userId, role: 'owner' }],
      ['group.member_left', { groupId: g.id, userId: mum.userId }],
      ['session.revoked', { userId: kid.userId, sessionId: kid.sessionId, reason: 'logout' }],
    ];
    await waitFor('every event', () => seen.envelopes.length >= expected.length);
    await new Promise((r) => setTimeout(r, 100)); // nothing more may follow
    assert.deepEqual(seen.envelopes.map((e) => [e.type, e.data]), expected);
    const seqs = seen.seqs();
    assert.deepEqual(seqs, seqs.map((_, i) => seqs[0]! + i), 'published in log order without gaps');
    assert.ok(seen.envelopes.every((e) => e.source === 'users' && e.version === 1));
  });

  it('appends nothing for refused commands: the log (the outbox) holds exactly the changes that committed', async () => {
    const before = await h.svc.events.head();
    const mum = { userId: String((await h.svc.db.query("SELECT id FROM users WHERE display_name = 'Mum'"))[0]!.id) };
    const stranger = await h.call(users.Register, { email: 'x@example.com', password: 'no invite given here', displayName: 'X' }).catch((e) => e);
    assert.equal(stranger.code, 'users.invite_required');
    const g = await h.call(users.CreateGroup, { actor: mum, name: 'Solo' });
    const after = await h.svc.events.head();
    await rejectsWith(h.call(users.LeaveGroup, { actor: mum, groupId: g.id }), 'users.owner_must_transfer');
    await rejectsWith(h.call(users.RenameGroup, { actor: { userId: '01900000-0000-7000-8000-000000000000' }, groupId: g.id, name: 'x' }), 'users.unknown_user');
    await rejectsWith(h.call(users.ChangeRole, { actor: mum, groupId: g.id, userId: mum.userId, role: 'member' }), 'users.invalid_target');
    assert.equal(await h.svc.events.head(), after);
    assert.deepEqual((await h.svc.events.read(before, 100)).map((e) => e.type), ['group.created', 'group.member_joined']);
  });
});
