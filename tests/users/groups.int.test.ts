/**
 * Groups and invites through the running service: what each operation changes (the matrix
 * in roles.int.test.ts covers who may), invite expiry on the service's clock, maximum uses,
 * revocation, joining twice, and ownership transfer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sagas, users } from '../../src/contracts/index.ts';
import { waitFor } from '../support/poll.ts';
import { rejectsWith, startUsers, type UsersHarness } from './support.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';
import { signUpDirect, type SignedIn } from '../support/accounts.ts';

describe('users: groups and invites', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('users-groups');
  let h: UsersHarness;
  let mum: SignedIn, dad: SignedIn, kid: SignedIn, gran: SignedIn;

  before(async () => {
    h = await startUsers(broker().url, dir, (c) => void (c.users.registration = 'open'));
    [mum, dad, kid, gran] = await Promise.all(['Mum', 'Dad', 'Kid', 'Gran'].map((n) => signUpDirect(h, n)));
  });
  after(() => h?.stop());

  const join = async (groupId: string, ...who: SignedIn[]) => {
    const { code } = await h.call(users.CreateInvite, { actor: mum.actor, groupId, maxUses: 10 });
    for (const p of who) await h.call(users.AcceptInvite, { actor: p.actor, code });
  };
  const roles = async (groupId: string, actor = mum.actor) =>
    Object.fromEntries((await h.call(users.ListMembers, { actor, groupId })).members.map((m) => [m.displayName, m.role]));

  it('creates a group with its creator as owner, and lists the actor’s groups with role and member count', async () => {
    const g = await h.call(users.CreateGroup, { actor: mum.actor, name: '  Family ' });
    assert.deepEqual([g.name, g.role, g.memberCount], ['Family', 'owner', 1]);
    await join(g.id, dad, kid);
    const mine = (await h.call(users.ListGroups, { actor: kid.actor })).groups.find((x) => x.id === g.id);
    assert.deepEqual([mine?.name, mine?.role, mine?.memberCount], ['Family', 'member', 3]);
    assert.deepEqual(await roles(g.id, kid.actor), { Mum: 'owner', Dad: 'member', Kid: 'member' });
    assert.equal((await h.call(users.ListGroups, { actor: gran.actor })).groups.some((x) => x.id === g.id), false);
  });

  it('renames and deletes a group; afterwards its members no longer see it', async () => {
    const g = await h.call(users.CreateGroup, { actor: mum.actor, name: 'Old name' });
    await join(g.id, dad);
    assert.equal((await h.call(users.RenameGroup, { actor: mum.actor, groupId: g.id, name: 'New name' })).name, 'New name');
    await h.call(users.DeleteGroup, { actor: mum.actor, groupId: g.id });
    // At once, while its deletion runs …
    await rejectsWith(h.call(users.ListMembers, { actor: dad.actor, groupId: g.id }), 'membership.not_a_member', 'not_found');
    assert.equal((await h.call(users.ListGroups, { actor: dad.actor })).groups.some((x) => x.id === g.id), false);
    // … and once it has completed (the other services' steps are stand-ins here).
    await waitFor('the deletion to complete', async () => (await h.call(sagas.GetGroupDeletion, { actor: mum.actor, groupId: g.id })).status === 'completed');
    await rejectsWith(h.call(users.ListMembers, { actor: dad.actor, groupId: g.id }), 'membership.not_a_member', 'not_found');
    assert.equal((await h.call(users.ListGroups, { actor: dad.actor })).groups.some((x) => x.id === g.id), false);
  });

  it('expires an invite at expiresAt by the service’s clock, and stops listing it', async () => {
    const g = await h.call(users.CreateGroup, { actor: mum.actor, name: 'Expiry' });
    const inv = await h.call(users.CreateInvite, { actor: mum.actor, groupId: g.id, expiresInSeconds: 60 });
    assert.ok(Math.abs(Date.parse(inv.expiresAt) - Date.now() - 60_000) < 5000);
    try {
      h.clock.offset = 61_000;
      await rejectsWith(h.call(users.AcceptInvite, { actor: dad.actor, code: inv.code }), 'users.invite_expired', 'not_found');
      assert.deepEqual((await h.call(users.ListInvites, { actor: mum.actor, groupId: g.id })).invites, []);
    } finally {
      h.clock.offset = 0;
    }
    await h.call(users.AcceptInvite, { actor: dad.actor, code: inv.code }); // still valid before expiry
  });

  it('admits at most maxUses people with one invite', async () => {
    const g = await h.call(users.CreateGroup, { actor: mum.actor, name: 'Two seats' });
    const inv = await h.call(users.CreateInvite, { actor: mum.actor, groupId: g.id, maxUses: 2 });
    await h.call(users.AcceptInvite, { actor: dad.actor, code: inv.code });
    await h.call(users.AcceptInvite, { actor: kid.actor, code: inv.code });
    await rejectsWith(h.call(users.AcceptInvite, { actor: gran.actor, code: inv.code }), 'users.invite_used_up', 'not_found');
    assert.deepEqual(Object.keys(await roles(g.id)), ['Mum', 'Dad', 'Kid']);
  });

  it('refuses a revoked invite, an unknown code, and joining a group twice', async () => {
    const g = await h.call(users.CreateGroup, { actor: mum.actor, name: 'Revoked' });
    const inv = await h.call(users.CreateInvite, { actor: mum.actor, groupId: g.id });
    await h.call(users.AcceptInvite, { actor: dad.actor, code: inv.code });
    await rejectsWith(h.call(users.AcceptInvite, { actor: dad.actor, code: inv.code }), 'users.already_member', 'conflict');
    await h.call(users.RevokeInvite, { actor: mum.actor, code: inv.code });
    await rejectsWith(h.call(users.AcceptInvite, { actor: kid.actor, code: inv.code }), 'users.invite_revoked', 'not_found');
    await rejectsWith(h.call(users.AcceptInvite, { actor: kid.actor, code: 'ZZZZZZZZZZZZZZZZZZZZZZ' }), 'users.invite_invalid', 'not_found');
    await rejectsWith(h.call(users.RevokeInvite, { actor: mum.actor, code: 'ZZZZZZZZZZZZZZZZZZZZZZ' }), 'users.invite_invalid', 'not_found');
    const listed = (await h.call(users.ListInvites, { actor: mum.actor, groupId: g.id })).invites;
    assert.deepEqual(listed, []);
  });

  it('transfers ownership to a member: the old owner becomes an admin and may then leave', async () => {
    const g = await h.call(users.CreateGroup, { actor: mum.actor, name: 'Handover' });
    await join(g.id, dad, kid);
    await rejectsWith(h.call(users.TransferOwnership, { actor: mum.actor, groupId: g.id, userId: gran.userId }), 'users.no_such_member', 'not_found');
    await h.call(users.TransferOwnership, { actor: mum.actor, groupId: g.id, userId: dad.userId });
    assert.deepEqual(await roles(g.id), { Dad: 'owner', Mum: 'admin', Kid: 'member' });
    await rejectsWith(h.call(users.LeaveGroup, { actor: dad.actor, groupId: g.id }), 'users.owner_must_transfer', 'conflict');
    await h.call(users.LeaveGroup, { actor: mum.actor, groupId: g.id });
    assert.deepEqual(await roles(g.id, dad.actor), { Dad: 'owner', Kid: 'member' });
    await rejectsWith(h.call(users.LeaveGroup, { actor: mum.actor, groupId: g.id }), 'membership.not_a_member', 'not_found');
  });

  it('changes roles and removes members, which then lose access', async () => {
    const g = await h.call(users.CreateGroup, { actor: mum.actor, name: 'Roles' });
    await join(g.id, dad, kid);
    const changed = await h.call(users.ChangeRole, { actor: mum.actor, groupId: g.id, userId: dad.userId, role: 'admin' });
    assert.deepEqual([changed.userId, changed.displayName, changed.role], [dad.userId, 'Dad', 'admin']);
    await h.call(users.RemoveMember, { actor: dad.actor, groupId: g.id, userId: kid.userId });
    await rejectsWith(h.call(users.ListMembers, { actor: kid.actor, groupId: g.id }), 'membership.not_a_member');
    await rejectsWith(h.call(users.RemoveMember, { actor: mum.actor, groupId: g.id, userId: kid.userId }), 'users.no_such_member', 'not_found');
    assert.deepEqual(await roles(g.id), { Mum: 'owner', Dad: 'admin' });
  });
});
