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

type Rule = (event: Envelope) => Change[];

function on<D>(type: EventType<D>, fn: (d: D, e: Envelope) => Change[]): [string, Rule] {
  return [type.type, (e) => fn(check(type.data, e.data, 'membership.invalid_event', `${type.type} event`), e)];
}

const RULES = new Map<string, Rule>([
  on(users.GroupCreated, (d) => [
    { kind: 'group', groupId: d.groupId, name: d.name },
    { kind: 'member', groupId: d.groupId, userId: d.ownerId, role: 'owner', displayName: d.ownerName, via: 'created', invitedBy: null },
  ]),
  on(users.GroupRenamed, (d) => [{ kind: 'group', groupId: d.groupId, name: d.name }]),
  on(users.GroupDeleted, (d) => [{ kind: 'group_deleted', groupId: d.groupId }]),
  on(users.MemberJoined, (d) => [{ kind: 'member', groupId: d.groupId, userId: d.userId, role: d.role, displayName: d.displayName, via: 'joined', invitedBy: d.invitedBy ?? null }]),
  on(users.MemberLeft, (d) => [{ kind: 'left', groupId: d.groupId, userId: d.userId, removedBy: null }]),
  on(users.MemberRemoved, (d) => [{ kind: 'left', groupId: d.groupId, userId: d.userId, removedBy: d.by }]),
  on(users.MemberRoleChanged, (d) => [{ kind: 'role', groupId: d.groupId, userId: d.userId, role: d.role }]),
  on(users.UserProfileUpdated, (d) => [{ kind: 'profile', userId: d.userId, displayName: d.displayName }]),
  on(users.UserDeleted, (d, e) => [{ kind: 'user_deleted', userId: d.userId, at: e.at }]),
]);

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
  return RULES.get(event.type)?.(event) ?? [];
}
