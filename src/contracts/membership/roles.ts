/**
 * The role rules of a group, once: the ranking of roles and what each role may do. The
 * gateway's route guard, location's place administration, chat's moderation and the users
 * service's decisions (services/users/domain/roles.ts) all ask these.
 */
import type { Role } from '../users.ts';

const RANK: Readonly<Record<Role, number>> = { member: 1, admin: 2, owner: 3 };

/**
 * True when `role` is at least `needed` (owner > admin > member).
 *
 * @example
 * roleAtLeast('admin', 'member'); // true
 * roleAtLeast('admin', 'owner'); // false
 */
export const roleAtLeast = (role: Role, needed: Role): boolean => RANK[role] >= RANK[needed];

/**
 * True for the group's owner and admins: they manage the group (rename it, invites,
 * places, removing members, deleting others' messages).
 *
 * @example
 * isAdmin('owner'); // true
 */
export const isAdmin = (role: Role): boolean => roleAtLeast(role, 'admin');

/** True for the owner alone: deleting the group, changing roles, handing the group on. */
export const isOwner = (role: Role): boolean => role === 'owner';

/**
 * Whether an actor with `actor` role may remove a member with `target` role: the owner
 * anyone else, an admin only plain members.
 *
 * @example
 * canRemove('admin', 'member'); // true
 * canRemove('admin', 'admin'); // false
 */
export const canRemove = (actor: Role, target: Role): boolean => isOwner(actor) ? !isOwner(target) : isAdmin(actor) && target === 'member';

/** Whether a member with `role` may leave (the owner must hand the group on, or delete it, first). */
export const canLeave = (role: Role): boolean => !isOwner(role);

/** Whether a member with `role` may delete a message someone else wrote (a user's message, not a system one). */
export const canModerate = (role: Role): boolean => isAdmin(role);
