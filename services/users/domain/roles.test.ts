import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../../src/kit/index.ts';
import { decideGroupAction, type GroupAction, type Target } from './roles.ts';

type Role = 'owner' | 'admin' | 'member' | undefined;

/** given an actor's role, when they attempt an action on a target, then this code (or 'ok'). */
function outcome(role: Role, action: GroupAction, target?: Target): string {
  try {
    decideGroupAction(action, role, target);
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof AppError);
    return err.code.replace('users.', '');
  }
}

const other = (role: Role): Target => ({ role, self: false });

describe('the group role matrix', () => {
  const cases: [Role, GroupAction, Target | undefined, string][] = [
    // every action by a non-member: the same not_found, whatever the action
    ...(['view', 'rename', 'delete', 'manage_invites', 'leave', 'remove_member', 'change_role', 'transfer'] as const).map(
      (a): [Role, GroupAction, Target | undefined, string] => [undefined, a, undefined, 'membership.not_a_member'],
    ),
    ['member', 'view', undefined, 'ok'],
    ['admin', 'view', undefined, 'ok'],
    ['owner', 'view', undefined, 'ok'],
    ['member', 'rename', undefined, 'insufficient_role'],
    ['admin', 'rename', undefined, 'ok'],
    ['owner', 'rename', undefined, 'ok'],
    ['member', 'delete', undefined, 'insufficient_role'],
    ['admin', 'delete', undefined, 'insufficient_role'],
    ['owner', 'delete', undefined, 'ok'],
    ['member', 'manage_invites', undefined, 'insufficient_role'],
    ['admin', 'manage_invites', undefined, 'ok'],
    ['owner', 'manage_invites', undefined, 'ok'],
    ['member', 'leave', undefined, 'ok'],
    ['admin', 'leave', undefined, 'ok'],
    ['owner', 'leave', undefined, 'owner_must_transfer'],
    ['member', 'remove_member', other('member'), 'insufficient_role'],
    ['admin', 'remove_member', other('member'), 'ok'],
    ['admin', 'remove_member', other('admin'), 'insufficient_role'],
    ['admin', 'remove_member', other('owner'), 'insufficient_role'],
    ['owner', 'remove_member', other('member'), 'ok'],
    ['owner', 'remove_member', other('admin'), 'ok'],
    ['owner', 'remove_member', { role: 'owner', self: true }, 'invalid_target'],
    ['admin', 'remove_member', { role: 'admin', self: true }, 'invalid_target'],
    ['owner', 'remove_member', other(undefined), 'no_such_member'],
    ['member', 'change_role', other('member'), 'insufficient_role'],
    ['admin', 'change_role', other('member'), 'insufficient_role'],
    ['owner', 'change_role', other('member'), 'ok'],
    ['owner', 'change_role', other('admin'), 'ok'],
    ['owner', 'change_role', { role: 'owner', self: true }, 'invalid_target'],
    ['owner', 'change_role', other(undefined), 'no_such_member'],
    ['member', 'transfer', other('admin'), 'insufficient_role'],
    ['admin', 'transfer', other('member'), 'insufficient_role'],
    ['owner', 'transfer', other('member'), 'ok'],
    ['owner', 'transfer', other(undefined), 'no_such_member'],
    ['owner', 'transfer', { role: 'owner', self: true }, 'invalid_target'],
  ];
  for (const [role, action, target, expected] of cases) {
    const who = role ?? 'non-member';
    const on = target ? ` on ${target.self ? 'themselves' : (target.role ?? 'a non-member')}` : '';
    it(`given a ${who}, when they ${action}${on}, then ${expected}`, () => {
      assert.equal(outcome(role, action, target), expected);
    });
  }

  it('checks the actor before the target, so a member learns nothing about who is in the group', () => {
    assert.equal(outcome('member', 'remove_member', other(undefined)), 'insufficient_role');
    assert.equal(outcome(undefined, 'remove_member', other('member')), 'membership.not_a_member');
  });
});
