/**
 * What the users service's events mean for anyone who keeps a copy of group membership,
 * as one pure function from an event to a list of changes. Every consumer of users' events
 * (the gateway's read model, location, chat, notifications) reads membership through it, so
 * they cannot drift: the creator is the owner from `group.created` on, everywhere. Events
 * are parsed through their contract schemas; types this build does not know change nothing
 * (a newer users service may add some).
 */
import { check, type Envelope, type EventType } from '../../kit/index.ts';
import * as users from '../users.ts';

/** One change to a membership copy. */
export type Change =
  /** A group exists with this name (created or renamed). */
  | { kind: 'group'; groupId: string; name: string }
  | { kind: 'group_deleted'; groupId: string }
  /**
   * Someone is a member with this role: the owner when the group is `created`, anyone who
   * `joined` (`invitedBy`: the member whose invite they accepted).
   */
  | { kind: 'member'; groupId: string; userId: string; role: users.Role; displayName: string; via: 'created' | 'joined'; invitedBy: string | null }
  | { kind: 'role'; groupId: string; userId: string; role: users.Role }
  /** Someone is no longer a member: they left (`removedBy` null) or were removed. */
  | { kind: 'left'; groupId: string; userId: string; removedBy: string | null }
  /** A user's display name changed (in every group). */
  | { kind: 'profile'; userId: string; displayName: string }
  /** An account was deleted: it leaves every group. */
  | { kind: 'user_deleted'; userId: string; at: string };

/** The kinds of change. */
export type ChangeKind = Change['kind'];

/** One users event type and the membership changes its (checked) data makes. */
export interface MembershipRule<D = never> {
  readonly type: EventType<D>;
  changes(data: D, event: Envelope): Change[];
}

const rule = <D>(type: EventType<D>, changes: (d: D, e: Envelope) => Change[]): MembershipRule<never> =>
  ({ type, changes }) as unknown as MembershipRule<never>;

/** Every users event that changes membership, with what it changes. */
export const MEMBERSHIP_RULES: readonly MembershipRule[] = [
  rule(users.GroupCreated, (d) => [
    { kind: 'group', groupId: d.groupId, name: d.name },
    { kind: 'member', groupId: d.groupId, userId: d.ownerId, role: 'owner', displayName: d.ownerName, via: 'created', invitedBy: null },
  ]),
  rule(users.GroupRenamed, (d) => [{ kind: 'group', groupId: d.groupId, name: d.name }]),
  rule(users.GroupDeleted, (d) => [{ kind: 'group_deleted', groupId: d.groupId }]),
  rule(users.MemberJoined, (d) => [{ kind: 'member', groupId: d.groupId, userId: d.userId, role: d.role, displayName: d.displayName, via: 'joined', invitedBy: d.invitedBy ?? null }]),
  rule(users.MemberLeft, (d) => [{ kind: 'left', groupId: d.groupId, userId: d.userId, removedBy: null }]),
  rule(users.MemberRemoved, (d) => [{ kind: 'left', groupId: d.groupId, userId: d.userId, removedBy: d.by }]),
  rule(users.MemberRoleChanged, (d) => [{ kind: 'role', groupId: d.groupId, userId: d.userId, role: d.role }]),
  rule(users.UserProfileUpdated, (d) => [{ kind: 'profile', userId: d.userId, displayName: d.displayName }]),
  rule(users.UserDeleted, (d, e) => [{ kind: 'user_deleted', userId: d.userId, at: e.at }]),
];

const RULES = new Map<string, MembershipRule>(MEMBERSHIP_RULES.map((r) => [r.type.type, r]));

/** The users event types that change membership (a consumer's `types`). */
export const MEMBERSHIP_TYPES: readonly string[] = [...RULES.keys()];

/**
 * The membership changes an event makes (none for other events). Throws
 * `membership.invalid_event` when a users event does not match its contract.
 *
 * @example
 * membershipChanges(groupCreated);
 * // [{ kind: 'group', groupId, name: 'Family' }, { kind: 'member', groupId, userId: ownerId, role: 'owner', via: 'created', … }]
 */
export function membershipChanges(event: Envelope): Change[] {
  const r = RULES.get(event.type);
  return r ? r.changes(check(r.type.data, event.data, 'membership.invalid_event', `${event.type} event`) as never, event) : [];
}
