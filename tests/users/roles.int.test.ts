/**
 * The role matrix through the running service: owner, admin, member and non-member try
 * every group operation, each on a fresh group, and get exactly the answer the rules give.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { users } from '../../src/contracts/index.ts';
import { outcome, startUsers, type UsersHarness } from './support.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';
import { signUpDirect, type SignedIn } from '../support/accounts.ts';

type Who = 'owner' | 'admin' | 'member' | 'outsider';
/** A group with an owner, two admins (one the actor, one a target), two members (likewise). */
interface Cast {
  groupId: string;
  invite: string;
  people: Record<Who | 'otherAdmin' | 'otherMember', SignedIn>;
}
type Op = (h: UsersHarness, c: Cast, actor: users.Actor) => Promise<unknown>;

const OPS: Record<string, Op> = {
  'list members': (h, c, actor) => h.call(users.ListMembers, { actor, groupId: c.groupId }),
  rename: (h, c, actor) => h.call(users.RenameGroup, { actor, groupId: c.groupId, name: 'Renamed' }),
  'create invite': (h, c, actor) => h.call(users.CreateInvite, { actor, groupId: c.groupId }),
  'list invites': (h, c, actor) => h.call(users.ListInvites, { actor, groupId: c.groupId }),
  'revoke invite': (h, c, actor) => h.call(users.RevokeInvite, { actor, code: c.invite }),
  'remove a member': (h, c, actor) => h.call(users.RemoveMember, { actor, groupId: c.groupId, userId: c.people.otherMember.userId }),
  'remove an admin': (h, c, actor) => h.call(users.RemoveMember, { actor, groupId: c.groupId, userId: c.people.otherAdmin.userId }),
  'remove the owner': (h, c, actor) => h.call(users.RemoveMember, { actor, groupId: c.groupId, userId: c.people.owner.userId }),
  'make a member admin': (h, c, actor) => h.call(users.ChangeRole, { actor, groupId: c.groupId, userId: c.people.otherMember.userId, role: 'admin' }),
  'make an admin member': (h, c, actor) => h.call(users.ChangeRole, { actor, groupId: c.groupId, userId: c.people.otherAdmin.userId, role: 'member' }),
  'transfer ownership': (h, c, actor) => h.call(users.TransferOwnership, { actor, groupId: c.groupId, userId: c.people.otherMember.userId }),
  leave: (h, c, actor) => h.call(users.LeaveGroup, { actor, groupId: c.groupId }),
  delete: (h, c, actor) => h.call(users.DeleteGroup, { actor, groupId: c.groupId }),
};

const NO = 'membership.not_a_member';
const ROLE = 'insufficient_role';
// op → [owner, admin, member, outsider]
const EXPECTED: Record<keyof typeof OPS, [string, string, string, string]> = {
  'list members': ['ok', 'ok', 'ok', NO],
  rename: ['ok', 'ok', ROLE, NO],
  'create invite': ['ok', 'ok', ROLE, NO],
  'list invites': ['ok', 'ok', ROLE, NO],
  'revoke invite': ['ok', 'ok', ROLE, NO],
  'remove a member': ['ok', 'ok', ROLE, NO],
  'remove an admin': ['ok', ROLE, ROLE, NO],
  'remove the owner': ['invalid_target', ROLE, ROLE, NO],
  'make a member admin': ['ok', ROLE, ROLE, NO],
  'make an admin member': ['ok', ROLE, ROLE, NO],
  'transfer ownership': ['ok', ROLE, ROLE, NO],
  leave: ['owner_must_transfer', 'ok', 'ok', NO],
  delete: ['ok', ROLE, ROLE, NO],
};
const WHO: Who[] = ['owner', 'admin', 'member', 'outsider'];

describe('users: the group role matrix', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('users-roles');
  let h: UsersHarness;
  let people: Cast['people'];

  before(async () => {
    h = await startUsers(broker().url, dir, (c) => void (c.users.registration = 'open'));
    const names = ['owner', 'admin', 'member', 'outsider', 'otherAdmin', 'otherMember'] as const;
    const list = await Promise.all(names.map((n) => signUpDirect(h, n)));
    people = Object.fromEntries(names.map((n, i) => [n, list[i]!])) as Cast['people'];
  });
  after(() => h?.stop());

  async function freshGroup(): Promise<Cast> {
    const { owner } = people;
    const g = await h.call(users.CreateGroup, { actor: owner.actor, name: 'Matrix' });
    const { code } = await h.call(users.CreateInvite, { actor: owner.actor, groupId: g.id, maxUses: 10 });
    for (const p of [people.admin, people.member, people.otherAdmin, people.otherMember]) await h.call(users.AcceptInvite, { actor: p.actor, code });
    for (const p of [people.admin, people.otherAdmin]) await h.call(users.ChangeRole, { actor: owner.actor, groupId: g.id, userId: p.userId, role: 'admin' });
    return { groupId: g.id, invite: code, people };
  }

  for (const [name, op] of Object.entries(OPS)) {
    for (const [i, who] of WHO.entries()) {
      const expected = EXPECTED[name]![i]!;
      it(`${who}: ${name} → ${expected}`, async () => {
        const cast = await freshGroup();
        assert.equal(await outcome(op(h, cast, people[who].actor)), expected);
      });
    }
  }

  it('tells an outsider the same thing about a group that exists and one that does not', async () => {
    const cast = await freshGroup();
    const ghost = '01900000-0000-7000-8000-00000000beef';
    for (const [name, op] of Object.entries(OPS)) {
      if (name === 'revoke invite') continue; // addressed by code, not group
      const real = await outcome(op(h, cast, people.outsider.actor));
      const none = await outcome(op(h, { ...cast, groupId: ghost }, people.outsider.actor));
      assert.deepEqual([real, none], [NO, NO], name);
    }
  });
});
