/**
 * Who may do what in a group: the role matrix as one pure decision. The checks run in a
 * fixed order — is the actor a member at all, does their role allow the action, does the
 * target exist, may it be the target — so a non-member learns nothing (not even whether
 * the group exists) and a member learns nothing about targets they may not touch anyway.
 * Which role may do what comes from the role rules every service shares
 * (src/contracts/membership); this file adds the order and the users service's codes.
 */
import { membership, type users } from '../../../src/contracts/index.ts';
import { UsersError } from './errors.ts';

type Role = users.Role;

/** The group operations whose rights depend on the actor's role. */
export const GroupAction = {
  View: 'view',
  Rename: 'rename',
  Delete: 'delete',
  ManageInvites: 'manage_invites',
  Leave: 'leave',
  RemoveMember: 'remove_member',
  ChangeRole: 'change_role',
  Transfer: 'transfer',
} as const;
export type GroupAction = (typeof GroupAction)[keyof typeof GroupAction];

const ROLES: readonly Role[] = ['owner', 'admin', 'member'];
const admins = ROLES.filter(membership.isAdmin);
const owner = ROLES.filter(membership.isOwner);

/** The roles allowed to attempt each action (targets are checked afterwards), from the shared role rules. */
export const ALLOWED: Readonly<Record<GroupAction, readonly Role[]>> = {
  view: ROLES,
  rename: admins,
  delete: owner,
  manage_invites: admins,
  leave: ROLES, // the owner is refused with its own code (owner_must_transfer, from membership.canLeave)
  remove_member: admins,
  change_role: owner,
  transfer: owner,
};

/** The member an action is aimed at: their role (undefined: not in the group) and whether it is the actor. */
export interface Target {
  role: Role | undefined;
  self: boolean;
}

/**
 * Throws the AppError that forbids `action` by an actor with `role` (undefined: not a
 * member) on `target`, or returns when it is allowed.
 *
 * @example
 * decideGroupAction('remove_member', 'admin', { role: 'member', self: false }); // allowed
 * decideGroupAction('remove_member', 'admin', { role: 'admin', self: false }); // throws users.insufficient_role
 */
export function decideGroupAction(action: GroupAction, role: Role | undefined, target?: Target): void {
  if (!role) throw UsersError.notAMember();
  if (action === 'leave' && !membership.canLeave(role)) throw UsersError.ownerMustTransfer();
  if (!ALLOWED[action].includes(role)) throw UsersError.insufficientRole({ role, action });
  if (!target) return;
  if (!target.role) throw UsersError.noSuchMember();
  // The owner's own role changes only through a transfer; leaving is its own operation.
  if (target.self) throw UsersError.invalidTarget({ action, reason: 'self' });
  if (action === 'remove_member' && !membership.canRemove(role, target.role)) {
    throw UsersError.insufficientRole({ role, action, targetRole: target.role });
  }
}
