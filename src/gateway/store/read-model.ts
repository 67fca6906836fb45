/**
 * The gateway's read model of the users service (CQRS): who is in which group with which
 * role, which sessions were revoked and which users deleted — kept from users events by the
 * gateway's consumer (consumers/users.ts), so authorising a request never asks the users
 * service. The database holds it durably; an in-memory copy (memory.ts) answers requests.
 * After each commit it tells its listeners (the stream, and requests waiting to read their
 * own writes).
 */
import * as v from 'valibot';
import type { Db, Envelope, Logger } from '../../kit/index.ts';
import { users } from '../../contracts/index.ts';
import { MemoryModel, REVOCATION_KEEP_MS, type Change } from './memory.ts';

/** A group event after it is in the read model. */
export interface GroupEvent {
  groupId: string;
  event: Envelope;
}

/** A session that ended, or (without `sessionId`) an account that was deleted: its tokens are no longer honoured. */
export interface Revocation {
  userId: string;
  sessionId?: string;
}

/**
 * The read model.
 *
 * @example
 * const model = new ReadModel(api.db, api.log);
 * await model.load();
 * api.consume('users', usersConsumer(model));
 * model.roleOf(groupId, userId); // 'admin' | undefined
 */
export class ReadModel {
  readonly #db: Db;
  readonly #log: Logger;
  readonly #memory = new MemoryModel();
  readonly #groupListeners = new Set<(e: GroupEvent) => void>();
  readonly #revocationListeners = new Set<(r: Revocation) => void>();
  readonly #waiters = new Set<() => void>();
  /** Accounts being deleted (their sessions may only follow the deletion). */
  readonly #deleting = new Set<string>();
  readonly #now: () => number;

  /** `now` is the gateway's clock (`api.now`), which revocations are aged by. */
  constructor(db: Db, log: Logger, now: () => number = Date.now) {
    this.#db = db;
    this.#log = log;
    this.#now = now;
  }

  /** Loads the in-memory copy from the database. */
  async load(now = this.#now()): Promise<void> {
    this.#memory.clear();
    for (const r of await this.#db.query('SELECT group_id, user_id, role, display_name FROM members')) {
      this.#memory.apply({ kind: 'member', groupId: String(r.group_id), userId: String(r.user_id), role: v.parse(users.Role, r.role), displayName: String(r.display_name), via: 'joined', invitedBy: null });
    }
    for (const r of await this.#db.query('SELECT session_id, user_id, revoked_at FROM revoked_sessions')) {
      this.#memory.apply({ kind: 'session_revoked', sessionId: String(r.session_id), userId: String(r.user_id), at: String(r.revoked_at) });
    }
    for (const r of await this.#db.query('SELECT user_id, deleted_at FROM deleted_users')) {
      this.#memory.apply({ kind: 'user_deleted', userId: String(r.user_id), at: String(r.deleted_at) });
    }
    this.#memory.forgetRevocationsBefore(now - REVOCATION_KEEP_MS);
    this.#deleting.clear();
    for (const r of await this.#db.query('SELECT user_id FROM deleting_users')) this.#deleting.add(String(r.user_id));
  }

  /** True while the account is being deleted (from its `user.deletion_requested` until withdrawn or deleted). */
  isDeleting(userId: string): boolean {
    return this.#deleting.has(userId);
  }

  /** Records, after the consumer's commit, that `userId`'s deletion began (`on`) or ended. */
  deletionCommitted(userId: string, on: boolean): void {
    if (on) this.#deleting.add(userId);
    else this.#deleting.delete(userId);
    for (const wake of this.#waiters) wake();
  }

  /** The role of `userId` in `groupId`, or undefined when not a member (or no such group). */
  roleOf(groupId: string, userId: string): users.Role | undefined {
    return this.#memory.roleOf(groupId, userId);
  }

  /** The groups `userId` is a member of. */
  groupsOf(userId: string): string[] {
    return this.#memory.groupsOf(userId);
  }

  /** True when the session was revoked (its access tokens are refused). */
  isRevoked(sessionId: string): boolean {
    return this.#memory.isRevoked(sessionId);
  }

  /** True when the account was deleted. */
  isDeleted(userId: string): boolean {
    return this.#memory.isDeleted(userId);
  }

  /** Calls `fn` after each group event is committed; returns the unsubscribe function. */
  onGroupEvent(fn: (e: GroupEvent) => void): () => void {
    this.#groupListeners.add(fn);
    return () => void this.#groupListeners.delete(fn);
  }

  /** Calls `fn` after each session revocation or account deletion is committed; returns the unsubscribe function. */
  onRevocation(fn: (r: Revocation) => void): () => void {
    this.#revocationListeners.add(fn);
    return () => void this.#revocationListeners.delete(fn);
  }

  /**
   * Waits until `check` holds, re-checking after each commit (read-your-writes after a
   * command: the users service's event reaches this model a moment after its reply).
   * Resolves false after `timeoutMs`.
   */
  async settle(check: () => boolean, timeoutMs = 3000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let wake!: () => void;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
        this.#waiters.add(wake);
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
      this.#waiters.delete(wake);
    }
    return true;
  }

  /** Forgets everything in memory (the consumer's reset, before a rebuild refills it). */
  clear(): void {
    this.#memory.clear();
    this.#deleting.clear();
  }

  /** Forgets revocations older than any token they could concern. */
  async prune(now = this.#now()): Promise<void> {
    const cutoff = now - REVOCATION_KEEP_MS;
    this.#memory.forgetRevocationsBefore(cutoff);
    await this.#db.write((tx) => tx.execute('DELETE FROM revoked_sessions WHERE revoked_at < ?', [new Date(cutoff).toISOString()]));
  }

  /** Applies what a committed users event changed to the in-memory copy, and tells the listeners (the consumer calls it after each commit). */
  committed(event: Envelope, changes: readonly Change[]): void {
    for (const c of changes) this.#memory.apply(c);
    for (const c of changes) if (c.kind === 'user_deleted') this.#deleting.delete(c.userId);
    for (const c of changes) {
      if (c.kind === 'session_revoked') this.#notify(this.#revocationListeners, { userId: c.userId, sessionId: c.sessionId });
      if (c.kind === 'user_deleted') this.#notify(this.#revocationListeners, { userId: c.userId });
    }
    // A group event's changes all name its group; no other event's change names one.
    const groupId = changes.map((c) => ('groupId' in c ? c.groupId : undefined)).find((g) => g !== undefined);
    if (groupId !== undefined) this.#notify(this.#groupListeners, { groupId, event });
    for (const wake of this.#waiters) wake();
  }

  #notify<T>(listeners: Set<(x: T) => void>, value: T): void {
    for (const fn of listeners) {
      try {
        fn(value);
      } catch (err) {
        this.#log.warn('read-model listener failed', { err }); // one listener must not stop the others
      }
    }
  }
}
