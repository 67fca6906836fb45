import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, uuidv7, type Envelope } from '../../kit/index.ts';
import { membershipChanges, MEMBERSHIP_TYPES } from './changes.ts';
import { canLeave, canModerate, canRemove, isAdmin, isOwner, roleAtLeast } from './roles.ts';
import { notAMember } from './errors.ts';

const [G, OWNER, M] = [uuidv7(), uuidv7(), uuidv7()];
const at = '2026-12-02T10:00:00.000Z';
const event = (type: string, data: unknown): Envelope => ({ id: uuidv7(), type, version: 1, seq: 1, at, source: 'users', stream: '', correlationId: '', causationId: '', data });

describe('membershipChanges', () => {
  const table: [string, unknown, unknown[]][] = [
    ['group.created', { groupId: G, name: 'Family', ownerId: OWNER, ownerName: 'Ann' }, [
      { kind: 'group', groupId: G, name: 'Family' },
      { kind: 'member', groupId: G, userId: OWNER, role: 'owner', displayName: 'Ann', via: 'created', invitedBy: null },
    ]],
    ['group.renamed', { groupId: G, name: 'Pals' }, [{ kind: 'group', groupId: G, name: 'Pals' }]],
    ['group.deleted', { groupId: G }, [{ kind: 'group_deleted', groupId: G }]],
    ['group.member_joined', { groupId: G, userId: M, displayName: 'Bo', role: 'member', invitedBy: OWNER }, [
      { kind: 'member', groupId: G, userId: M, role: 'member', displayName: 'Bo', via: 'joined', invitedBy: OWNER },
    ]],
    ['group.member_left', { groupId: G, userId: M }, [{ kind: 'left', groupId: G, userId: M, removedBy: null }]],
    ['group.member_removed', { groupId: G, userId: M, by: OWNER }, [{ kind: 'left', groupId: G, userId: M, removedBy: OWNER }]],
    ['group.member_role_changed', { groupId: G, userId: M, role: 'admin' }, [{ kind: 'role', groupId: G, userId: M, role: 'admin' }]],
    ['user.profile_updated', { userId: M, displayName: 'Bob' }, [{ kind: 'profile', userId: M, displayName: 'Bob' }]],
    ['user.deleted', { userId: M }, [{ kind: 'user_deleted', userId: M, at }]],
    ['user.registered', { userId: M, displayName: 'Bo', admin: false }, []],
    ['session.revoked', { userId: M, sessionId: uuidv7(), reason: 'logout' }, []],
  ];
  for (const [type, data, expected] of table) {
    it(`${type} → ${expected.map((c) => (c as { kind: string }).kind).join(', ') || 'nothing'}`, () => assert.deepEqual(membershipChanges(event(type, data)), expected));
  }

  it('names every type it follows', () => assert.deepEqual(new Set(MEMBERSHIP_TYPES), new Set(table.filter(([, , c]) => c.length).map(([t]) => t))));

  it('refuses a users event its contract would reject', () => {
    assert.throws(() => membershipChanges(event('group.member_joined', { groupId: 'nope' })), (err: unknown) => err instanceof AppError && err.code === 'membership.invalid_event');
  });
});

describe('the role rules', () => {
  it('ranks owner over admin over member', () => {
    assert.deepEqual([roleAtLeast('owner', 'admin'), roleAtLeast('admin', 'admin'), roleAtLeast('member', 'admin')], [true, true, false]);
  });

  it('lets owners and admins manage and moderate, the owner alone own', () => {
    assert.deepEqual((['owner', 'admin', 'member'] as const).map((r) => [isAdmin(r), canModerate(r), isOwner(r), canLeave(r)]), [
      [true, true, true, false],
      [true, true, false, true],
      [false, false, false, true],
    ]);
  });

  it('lets the owner remove anyone else and an admin only members', () => {
    assert.deepEqual([canRemove('owner', 'admin'), canRemove('owner', 'member'), canRemove('admin', 'member'), canRemove('admin', 'admin'), canRemove('admin', 'owner'), canRemove('member', 'member')], [true, true, true, false, false, false]);
  });
});

describe('notAMember', () => {
  it('is a not_found with the one code', () => {
    const err = notAMember();
    assert.deepEqual([err.kind, err.code], ['not_found', 'membership.not_a_member']);
  });
});
