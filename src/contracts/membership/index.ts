/**
 * Group membership, once: what users' events mean for it (`membershipChanges`), the role
 * rules, the one refusal (`membership.not_a_member`), the projection every consumer of
 * users' events mounts (`membershipConsumer` with hooks) and the lookups requests are
 * authorised with. Each service keeps its own `members` table in its own database; only
 * this code is shared.
 *
 * @example
 * import { membership } from '../../src/contracts/index.ts';
 * api.consume('users', membership.membershipConsumer({ after: eraseWhatTheyLeftBehind }));
 * const me = await membership.requireMember(api.db, groupId, actor.userId);
 * if (!membership.isAdmin(me.role)) throw …;
 */
export { membershipChanges, MEMBERSHIP_RULES, MEMBERSHIP_TYPES, type Change, type ChangeKind, type MembershipRule } from './changes.ts';
export { roleAtLeast, isAdmin, isOwner, canRemove, canLeave, canModerate } from './roles.ts';
export { notAMember, NOT_A_MEMBER } from './errors.ts';
export { MEMBERS_TABLE, GROUPS_TABLE, MEMBERS_COLUMNS } from './tables.ts';
export { membershipHandlers, writeMembership, resetMembership, membershipConsumer, type MembershipHooks, type MembershipOptions } from './projection.ts';
export { memberOf, requireMember, membersOf, groupsOf, type Member, type MembershipSource } from './lookup.ts';
