/**
 * Registration against the running service: the first account in every mode, open,
 * invite-only (the family flow: the invite admits the account and puts it in the group)
 * and closed; duplicate emails; invites that no longer work.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { users } from '../../src/contracts/index.ts';
import type { HearthConfig } from '../../src/config/index.ts';
import { rejectsWith, startUsers, type UsersHarness } from './support.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';
import { signUpDirect } from '../support/accounts.ts';

describe('users: registration', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('users-reg');

  async function withUsers(mode: HearthConfig['users']['registration'], fn: (h: UsersHarness) => Promise<void>): Promise<void> {
    const h = await startUsers(broker().url, dir, (c) => void (c.users.registration = mode));
    try {
      await fn(h);
    } finally {
      await h.stop();
    }
  }

  for (const mode of ['open', 'invite-only', 'closed'] as const) {
    it(`makes the first account the instance admin without an invite in ${mode} mode, and only the first`, () =>
      withUsers(mode, async (h) => {
        const first = await h.call(users.Register, { email: 'Root@Example.com ', password: 'a long first password', displayName: 'Root' });
        assert.deepEqual({ admin: first.admin, groupId: first.groupId }, { admin: true, groupId: null });
        const me = await h.call(users.GetMe, { actor: { userId: first.userId } });
        assert.equal(me.email, 'root@example.com');
        assert.equal(me.admin, true);
        if (mode === 'open') {
          const second = await h.call(users.Register, { email: 'two@example.com', password: 'a long second password', displayName: 'Two' });
          assert.equal(second.admin, false);
        }
      }));
  }

  it('refuses everyone after the first in closed mode, even with a valid invite', () =>
    withUsers('closed', async (h) => {
      const root = await signUpDirect(h, 'Root');
      const g = await h.call(users.CreateGroup, { actor: root.actor, name: 'Home' });
      const inv = await h.call(users.CreateInvite, { actor: root.actor, groupId: g.id });
      const req = { email: 'kid@example.com', password: 'a long kid password', displayName: 'Kid' };
      await rejectsWith(h.call(users.Register, req), 'users.registration_closed', 'forbidden');
      await rejectsWith(h.call(users.Register, { ...req, invite: inv.code }), 'users.registration_closed', 'forbidden');
    }));

  it('needs an invite in invite-only mode, and the invite puts the new account in its group (the family flow)', () =>
    withUsers('invite-only', async (h) => {
      const root = await signUpDirect(h, 'Root');
      const g = await h.call(users.CreateGroup, { actor: root.actor, name: 'Family' });
      const req = { email: 'kid@example.com', password: 'a long kid password', displayName: 'Kid' };
      await rejectsWith(h.call(users.Register, req), 'users.invite_required', 'forbidden');
      const inv = await h.call(users.CreateInvite, { actor: root.actor, groupId: g.id, maxUses: 2 });
      const kid = await h.call(users.Register, { ...req, invite: inv.code });
      assert.deepEqual({ admin: kid.admin, groupId: kid.groupId }, { admin: false, groupId: g.id });
      const { members } = await h.call(users.ListMembers, { actor: { userId: kid.userId }, groupId: g.id });
      assert.deepEqual(members.map((m) => [m.displayName, m.role]), [['Root', 'owner'], ['Kid', 'member']]);
      const { invites } = await h.call(users.ListInvites, { actor: root.actor, groupId: g.id });
      assert.equal(invites[0]!.uses, 1, 'registering used the invite once');
    }));

  it('refuses registration with an unknown, revoked or used-up invite, and creates no account', () =>
    withUsers('invite-only', async (h) => {
      const root = await signUpDirect(h, 'Root');
      const g = await h.call(users.CreateGroup, { actor: root.actor, name: 'Family' });
      const req = (email: string, invite: string) => ({ email, password: 'a long enough password', displayName: 'X', invite });
      await rejectsWith(h.call(users.Register, req('a@example.com', 'AAAAAAAAAAAAAAAAAAAAAA')), 'users.invite_invalid', 'not_found');
      const revoked = await h.call(users.CreateInvite, { actor: root.actor, groupId: g.id });
      await h.call(users.RevokeInvite, { actor: root.actor, code: revoked.code });
      await rejectsWith(h.call(users.Register, req('b@example.com', revoked.code)), 'users.invite_revoked', 'not_found');
      const once = await h.call(users.CreateInvite, { actor: root.actor, groupId: g.id, maxUses: 1 });
      await h.call(users.Register, req('c@example.com', once.code));
      await rejectsWith(h.call(users.Register, req('d@example.com', once.code)), 'users.invite_used_up', 'not_found');
      // a refused registration leaves the email free
      await h.call(users.Register, req('b@example.com', (await h.call(users.CreateInvite, { actor: root.actor, groupId: g.id })).code));
    }));

  it('treats emails case-insensitively: a second account with the same address in other case is users.email_taken', () =>
    withUsers('open', async (h) => {
      await h.call(users.Register, { email: 'Mum@Example.com', password: 'mum has a long password', displayName: 'Mum' });
      await rejectsWith(
        h.call(users.Register, { email: '  mum@EXAMPLE.com', password: 'another long password', displayName: 'Fake' }),
        'users.email_taken',
        'conflict',
      );
    }));

  it('lets open-mode registrations use an invite to join its group, and refuses a bad one', () =>
    withUsers('open', async (h) => {
      const root = await signUpDirect(h, 'Root');
      const g = await h.call(users.CreateGroup, { actor: root.actor, name: 'Club' });
      const inv = await h.call(users.CreateInvite, { actor: root.actor, groupId: g.id });
      const r = await h.call(users.Register, { email: 'm@example.com', password: 'a long member password', displayName: 'M', invite: inv.code });
      assert.equal(r.groupId, g.id);
      await rejectsWith(
        h.call(users.Register, { email: 'n@example.com', password: 'a long member password', displayName: 'N', invite: 'nope-nope-nope' }),
        'users.invite_invalid',
      );
    }));

  it('never writes a password or its hash to the log', () =>
    withUsers('open', async (h) => {
      const secret = 'unmistakable-secret-passphrase';
      await h.call(users.Register, { email: 'log@example.com', password: secret, displayName: 'Log' });
      await h.call(users.Login, { email: 'log@example.com', password: secret });
      await rejectsWith(h.call(users.Login, { email: 'log@example.com', password: secret + '!' }), 'users.bad_credentials');
      const [row] = await h.svc.db.query('SELECT password_hash FROM users WHERE email = ?', ['log@example.com']);
      const text = JSON.stringify(h.logs.lines);
      assert.ok(h.logs.lines.length > 0);
      assert.ok(!text.includes(secret), 'the password was logged');
      assert.ok(!text.includes(String(row!.password_hash).split('$')[5]!), 'the hash was logged');
    }));
});
