/**
 * Who may see which group event — pure functions, no I/O. The rule: a user sees the events
 * of a group while they are a member of it; the event that makes them a member and the one
 * that ends it (they left or were removed) are about them, so they see those too; a group's
 * deletion is seen by the users who were members just before it. What an event does to
 * membership is read the way every consumer reads it: `membership.membershipChanges`
 * (src/contracts), the users event checked against its contract.
 */
import { membership } from '../../contracts/index.ts';
import type { Envelope } from '../../kit/index.ts';

/** How one event changes one user's membership of the event's group. */
export const MembershipChange = { Joined: 'joined', Left: 'left', Deleted: 'deleted' } as const;
export type MembershipChange = (typeof MembershipChange)[keyof typeof MembershipChange];

// An event is judged once per subscriber: its changes are worked out once per event.
const memo = new WeakMap<Envelope, readonly membership.Change[]>();

function changesOf(event: Envelope): readonly membership.Change[] {
  let changes = memo.get(event);
  if (!changes) {
    try {
      changes = membership.membershipChanges(event);
    } catch {
      // Data its contract refuses changed no membership: the gateway's consumer stepped over it too.
      changes = [];
    }
    memo.set(event, changes);
  }
  return changes;
}

/**
 * What `event` does to `userId`'s membership of its group, or null when nothing. A join is
 * a `group.member_joined` (a group's creation makes its owner a member too, but the owner
 * already counts as one: the stream has always treated it as an ordinary group event).
 */
export function membershipChange(event: Envelope, userId: string): MembershipChange | null {
  for (const c of changesOf(event)) {
    if (c.kind === 'group_deleted') return MembershipChange.Deleted;
    if (c.kind === 'member' && c.via === 'joined' && c.userId === userId) return MembershipChange.Joined;
    if (c.kind === 'left' && c.userId === userId) return MembershipChange.Left;
  }
  return null;
}

/**
 * Whether a live event reaches a user: `isMember` is the read model after the event,
 * `wasMember` the membership the stream last saw for that group.
 */
export function visibleLive(change: MembershipChange | null, isMember: boolean, wasMember: boolean): boolean {
  if (isMember || change === MembershipChange.Joined || change === MembershipChange.Left) return true;
  return change === MembershipChange.Deleted && wasMember;
}

/**
 * The events of a replay window (oldest first) that `userId` may see, given the groups
 * they are in now. Membership at the window's start is found by undoing, newest first,
 * the user's own joins and leaves inside the window; then the window is walked forward.
 * A deletion is only replayed to users who joined inside the window: for the others we
 * cannot tell whether they were members, and not telling is the safe side.
 */
export function visibleReplay<T extends { groupId: string; event: Envelope }>(entries: readonly T[], userId: string, current: Iterable<string>): T[] {
  const member = new Set(current);
  for (let i = entries.length - 1; i >= 0; i--) {
    const { groupId, event } = entries[i]!;
    const change = membershipChange(event, userId);
    if (change === MembershipChange.Joined) member.delete(groupId);
    else if (change === MembershipChange.Left) member.add(groupId);
  }
  const out: T[] = [];
  for (const entry of entries) {
    const change = membershipChange(entry.event, userId);
    if (change === MembershipChange.Joined) member.add(entry.groupId);
    if (member.has(entry.groupId) || change === MembershipChange.Left) out.push(entry);
    if (change === MembershipChange.Left || change === MembershipChange.Deleted) member.delete(entry.groupId);
  }
  return out;
}
