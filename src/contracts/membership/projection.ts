/**
 * The one projection of membership that every consumer of the users service's events
 * mounts: `membershipConsumer(hooks)` is a typed consumer (`on(users.MemberJoined, …)` for
 * each event of `MEMBERSHIP_RULES`) that writes each event's changes to the consumer's own
 * `members` (and `groups`) tables in the consumer's transaction, and calls the hooks a
 * service adds — erasure, system messages, notifications, an in-memory copy after commit.
 */
import { on, type ConsumeSpec, type Envelope, type EventHandler, type Tx, type WriteTx } from '../../kit/index.ts';
import { MEMBERSHIP_RULES, type Change } from './changes.ts';

/** What a service adds to the membership projection. Each hook runs in the consumer's transaction. */
export interface MembershipHooks {
  /** Runs before `change` is written: the tables still show the group as it was (a leaver is still listed). */
  before?(tx: WriteTx, change: Change, event: Envelope): Promise<void>;
  /** Runs after `change` is written. */
  after?(tx: WriteTx, change: Change, event: Envelope): Promise<void>;
  /** Runs after the transaction commits, with every change the event made (never if it rolls back). */
  committed?(changes: readonly Change[], event: Envelope): void;
}

/** Options of the projection. */
export interface MembershipOptions {
  /** Keep the `groups` table (group names) too. */
  groups?: boolean;
}

/** Writes one change to `members` (and `groups`). */
export async function writeMembership(tx: Tx, c: Change, o: MembershipOptions = {}): Promise<void> {
  switch (c.kind) {
    case 'group':
      if (o.groups) await tx.execute('INSERT INTO groups (group_id, name) VALUES (?, ?) ON CONFLICT (group_id) DO UPDATE SET name = excluded.name', [c.groupId, c.name]);
      return;
    case 'group_deleted':
      await tx.execute('DELETE FROM members WHERE group_id = ?', [c.groupId]);
      if (o.groups) await tx.execute('DELETE FROM groups WHERE group_id = ?', [c.groupId]);
      return;
    case 'member':
      await tx.execute('INSERT OR REPLACE INTO members (group_id, user_id, role, display_name) VALUES (?, ?, ?, ?)', [c.groupId, c.userId, c.role, c.displayName]);
      return;
    case 'role':
      await tx.execute('UPDATE members SET role = ? WHERE group_id = ? AND user_id = ?', [c.role, c.groupId, c.userId]);
      return;
    case 'left':
      await tx.execute('DELETE FROM members WHERE group_id = ? AND user_id = ?', [c.groupId, c.userId]);
      return;
    case 'profile':
      await tx.execute('UPDATE members SET display_name = ? WHERE user_id = ?', [c.displayName, c.userId]);
      return;
    case 'user_deleted':
      await tx.execute('DELETE FROM members WHERE user_id = ?', [c.userId]);
      return;
  }
}

async function applyChanges(tx: WriteTx, changes: readonly Change[], event: Envelope, hooks: MembershipHooks, o: MembershipOptions): Promise<void> {
  for (const c of changes) {
    await hooks.before?.(tx, c, event);
    await writeMembership(tx, c, o);
    await hooks.after?.(tx, c, event);
  }
  const committed = hooks.committed;
  if (changes.length && committed) tx.afterCommit(() => committed(changes, event));
}

/**
 * The typed handlers of every users event that changes membership, with the service's hooks
 * around each change.
 *
 * @example
 * api.consume('users', { handlers: [...membershipHandlers({ after: eraseOnLeave }), on(users.SessionRevoked, revoke)] });
 */
export function membershipHandlers(hooks: MembershipHooks = {}, o: MembershipOptions = {}): EventHandler[] {
  return MEMBERSHIP_RULES.map((r) => on(r.type, (e, tx) => applyChanges(tx, r.changes(e.data, e), e, hooks, o)));
}

/** Empties the membership tables (for a rebuild from the users log). */
export async function resetMembership(tx: Tx, o: MembershipOptions = {}): Promise<void> {
  await tx.execute('DELETE FROM members');
  if (o.groups) await tx.execute('DELETE FROM groups');
}

/**
 * The consumer of the users service's events that keeps membership: mount it with
 * `api.consume('users', membershipConsumer(hooks))`. `reset` is the service's extra reset,
 * after the membership tables are emptied; `also` are handlers of other users events the
 * service follows in the same consumer (one checkpoint per source).
 *
 * @example
 * api.consume('users', membershipConsumer({ after: (tx, c) => (c.kind === 'left' ? eraseScope(tx, c.groupId, c.userId) : undefined) }));
 */
export function membershipConsumer(
  hooks: MembershipHooks = {},
  o: MembershipOptions & { reset?: (tx: Tx) => Promise<unknown>; also?: readonly EventHandler[] } = {},
): ConsumeSpec {
  return {
    handlers: [...membershipHandlers(hooks, o), ...(o.also ?? [])],
    async reset(tx) {
      await resetMembership(tx, o);
      await o.reset?.(tx);
    },
  };
}
