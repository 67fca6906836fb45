/**
 * The in-memory copy of the read model that every request consults: memberships (both
 * ways: a group's members, a user's groups), revoked sessions and deleted users. Loaded
 * from the database at start, then kept by applying each committed change.
 */
import type { membership, users } from '../../contracts/index.ts';

/** A revoked session: its access tokens are refused. */
export type SessionRevoked = { kind: 'session_revoked'; userId: string; sessionId: string; at: string };

/** One change to the read model: membership as every consumer keeps it, and revoked sessions. */
export type Change = membership.Change | SessionRevoked;

/** How long a revocation is remembered: longer than any access token lives (at most 1 h) plus clock skew. */
export const REVOCATION_KEEP_MS = 2 * 3600_000;

/**
 * The memory.
 *
 * @example
 * const m = new MemoryModel();
 * m.apply({ kind: 'member', groupId, userId, role: 'admin', displayName: 'Ann', via: 'joined', invitedBy: null });
 * m.roleOf(groupId, userId); // 'admin'
 */
export class MemoryModel {
  readonly #groups = new Map<string, Map<string, users.Role>>();
  readonly #byUser = new Map<string, Set<string>>();
  readonly #revoked = new Map<string, number>();
  readonly #deleted = new Set<string>();

  /** Applies one committed change. */
  apply(c: Change): void {
    switch (c.kind) {
      case 'group':
        if (!this.#groups.has(c.groupId)) this.#groups.set(c.groupId, new Map());
        return;
      case 'group_deleted':
        for (const userId of this.#groups.get(c.groupId)?.keys() ?? []) this.#byUser.get(userId)?.delete(c.groupId);
        this.#groups.delete(c.groupId);
        return;
      case 'member':
        this.#put(c.groupId, c.userId, c.role);
        return;
      case 'role':
        if (this.roleOf(c.groupId, c.userId)) this.#put(c.groupId, c.userId, c.role);
        return;
      case 'left':
        this.#groups.get(c.groupId)?.delete(c.userId);
        this.#byUser.get(c.userId)?.delete(c.groupId);
        return;
      case 'user_deleted':
        for (const groupId of this.#byUser.get(c.userId) ?? []) this.#groups.get(groupId)?.delete(c.userId);
        this.#byUser.delete(c.userId);
        this.#deleted.add(c.userId);
        return;
      case 'profile':
        return; // names are not needed to authorise
      case 'session_revoked':
        this.#revoked.set(c.sessionId, Date.parse(c.at) || Date.now());
        return;
    }
  }

  /** The role of `userId` in `groupId`, or undefined when not a member. */
  roleOf(groupId: string, userId: string): users.Role | undefined {
    return this.#groups.get(groupId)?.get(userId);
  }

  /** The groups `userId` belongs to. */
  groupsOf(userId: string): string[] {
    return [...(this.#byUser.get(userId) ?? [])].sort();
  }

  /** True when the session was revoked. */
  isRevoked(sessionId: string): boolean {
    return this.#revoked.has(sessionId);
  }

  /** True when the account was deleted. */
  isDeleted(userId: string): boolean {
    return this.#deleted.has(userId);
  }

  /** Forgets revocations from before `cutoff` (epoch ms). */
  forgetRevocationsBefore(cutoff: number): void {
    for (const [sid, at] of this.#revoked) if (at < cutoff) this.#revoked.delete(sid);
  }

  /** Forgets everything (before a rebuild). */
  clear(): void {
    this.#groups.clear();
    this.#byUser.clear();
    this.#revoked.clear();
    this.#deleted.clear();
  }

  #put(groupId: string, userId: string, role: users.Role): void {
    let members = this.#groups.get(groupId);
    if (!members) this.#groups.set(groupId, (members = new Map()));
    members.set(userId, role);
    let groups = this.#byUser.get(userId);
    if (!groups) this.#byUser.set(userId, (groups = new Set()));
    groups.add(groupId);
  }
}
