/**
 * What the users service tells a client before sign-in, against the running service: the
 * instance (registration mode from the configuration, and whether the first account is
 * still to be made) and an invite's preview — its group and inviter while it works, and
 * the same refusals as accepting it once it does not (expiry judged by the service's clock).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { users } from '../../src/contracts/index.ts';
import { rejectsWith, startUsers, type UsersHarness } from './support.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';
import { signUpDirect, type SignedIn } from '../support/accounts.ts';
import { waitFor } from '../support/poll.ts';

describe('users: before sign-in', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('users-instance');

  // One service at a time: two on the same broker would share the requests.
  describe('the instance', () => {
    for (const mode of ['open', 'invite-only', 'closed'] as const) {
      it(`says registration is ${mode} as configured, and that setup is needed until the first account exists`, async () => {
        const h = await startUsers(broker().url, dir, (c) => void (c.users.registration = mode));
        try {
          assert.deepEqual(await h.call(users.InstanceInfo, {}), { registration: mode, setupNeeded: true });
          await signUpDirect(h, 'Root');
          assert.deepEqual(await h.call(users.InstanceInfo, {}), { registration: mode, setupNeeded: false });
        } finally {
          await h.stop();
        }
      });
    }
  });

  describe('an invite preview', () => {
    let h: UsersHarness;
    let mum: SignedIn, dad: SignedIn, kid: SignedIn;
    let groupId: string;

    before(async () => {
      h = await startUsers(broker().url, dir, (c) => void (c.users.registration = 'open'));
      [mum, dad, kid] = await Promise.all(['Mum', 'Dad', 'Kid'].map((n) => signUpDirect(h, n)));
      groupId = (await h.call(users.CreateGroup, { actor: mum.actor, name: 'Family' })).id;
    });
    after(() => h?.stop());

    it('shows a working invite with its group and the display name of who made it, and uses nothing', async () => {
      const inv = await h.call(users.CreateInvite, { actor: mum.actor, groupId, maxUses: 1 });
      const preview = await h.call(users.PreviewInvite, { code: inv.code });
      assert.deepEqual(preview, { code: inv.code, groupId, groupName: 'Family', expiresAt: inv.expiresAt, inviterName: 'Mum' });
      await h.call(users.PreviewInvite, { code: inv.code });
      assert.deepEqual((await h.call(users.AcceptInvite, { actor: dad.actor, code: inv.code })).groupId, groupId, 'previews do not count as uses');
    });

    it('follows a renamed group and a renamed inviter', async () => {
      const inv = await h.call(users.CreateInvite, { actor: mum.actor, groupId });
      await h.call(users.RenameGroup, { actor: mum.actor, groupId, name: 'The Smiths' });
      await h.call(users.UpdateProfile, { actor: mum.actor, displayName: 'Mother' });
      const preview = await h.call(users.PreviewInvite, { code: inv.code });
      assert.deepEqual([preview.groupName, preview.inviterName], ['The Smiths', 'Mother']);
    });

    it('shows no inviter once the account that made the invite is deleted; the invite still works', async () => {
      const g = await h.call(users.CreateGroup, { actor: mum.actor, name: 'Cousins' });
      const { code } = await h.call(users.CreateInvite, { actor: mum.actor, groupId: g.id });
      await h.call(users.AcceptInvite, { actor: dad.actor, code });
      await h.call(users.ChangeRole, { actor: mum.actor, groupId: g.id, userId: dad.userId, role: 'admin' });
      const byDad = await h.call(users.CreateInvite, { actor: dad.actor, groupId: g.id });
      await h.call(users.DeleteAccount, { actor: dad.actor, password: dad.password });
      const preview = await waitFor('the inviter gone', async () => {
        const p = await h.call(users.PreviewInvite, { code: byDad.code });
        return p.inviterName === null ? p : undefined;
      });
      assert.deepEqual([preview.groupName, preview.inviterName], ['Cousins', null]);
    });

    it('answers an expired invite with users.invite_expired by the service’s clock, as accepting does', async () => {
      const inv = await h.call(users.CreateInvite, { actor: mum.actor, groupId, expiresInSeconds: 60 });
      try {
        h.clock.offset = 61_000;
        await rejectsWith(h.call(users.PreviewInvite, { code: inv.code }), 'users.invite_expired', 'not_found');
        await rejectsWith(h.call(users.AcceptInvite, { actor: kid.actor, code: inv.code }), 'users.invite_expired', 'not_found');
      } finally {
        h.clock.offset = 0;
      }
      assert.equal((await h.call(users.PreviewInvite, { code: inv.code })).code, inv.code, 'still shown before expiry');
    });

    it('answers a revoked, a used-up and an unknown code with the codes accepting answers', async () => {
      const revoked = await h.call(users.CreateInvite, { actor: mum.actor, groupId });
      await h.call(users.RevokeInvite, { actor: mum.actor, code: revoked.code });
      const usedUp = await h.call(users.CreateInvite, { actor: mum.actor, groupId, maxUses: 1 });
      await h.call(users.AcceptInvite, { actor: kid.actor, code: usedUp.code });
      for (const [code, expected] of [
        [revoked.code, 'users.invite_revoked'],
        [usedUp.code, 'users.invite_used_up'],
        ['ZZZZZZZZZZZZZZZZZZZZZZ', 'users.invite_invalid'],
      ] as const) {
        await rejectsWith(h.call(users.PreviewInvite, { code }), expected, 'not_found');
      }
    });

    it('answers a deleted group’s invite with users.invite_invalid', async () => {
      const g = await h.call(users.CreateGroup, { actor: mum.actor, name: 'Short-lived' });
      const { code } = await h.call(users.CreateInvite, { actor: mum.actor, groupId: g.id });
      await h.call(users.DeleteGroup, { actor: mum.actor, groupId: g.id });
      await rejectsWith(h.call(users.PreviewInvite, { code }), 'users.invite_invalid', 'not_found');
    });
  });
});
