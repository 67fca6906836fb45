/**
 * The gateway's consumer of the users service's events (CQRS): membership as every
 * consumer keeps it (`membership.membershipConsumer`, with the group names), plus what only
 * the gateway follows — revoked sessions (`on(users.SessionRevoked)`) and deleted accounts.
 * Each event's changes are written in the consumer's checkpoint transaction (so each event
 * counts once) and, after the commit, handed to the read model (store/), which applies them
 * to its in-memory copy and tells its listeners. Event types this build does not know are
 * stepped over: a newer users service may add some.
 */
import { check, on, type ConsumeSpec, type DataOf, type Envelope, type Tx } from '../../kit/index.ts';
import { membership, sagas, users } from '../../contracts/index.ts';
import type { Change, ReadModel, SessionRevoked } from '../store/index.ts';

/** The change a `session.revoked` event makes. */
export function sessionRevoked(e: Envelope<DataOf<typeof users.SessionRevoked>>): SessionRevoked {
  return { kind: 'session_revoked', userId: e.data.userId, sessionId: e.data.sessionId, at: e.at };
}

/**
 * The changes an event makes (none for types the gateway does not follow), checked against
 * the users contract: what the consumer below writes, as one pure function.
 *
 * @example
 * changesOf(memberJoinedEvent); // [{ kind: 'member', groupId, userId, role: 'member', … }]
 */
export function changesOf(event: Envelope): Change[] {
  if (event.type !== users.SessionRevoked.type) return membership.membershipChanges(event);
  return [sessionRevoked({ ...event, data: check(users.SessionRevoked.data, event.data, 'gateway.invalid_event', `${users.SessionRevoked.type} event`) })];
}

/** What the gateway adds to the membership projection: it remembers deleted accounts. */
const rememberDeleted: NonNullable<membership.MembershipHooks['after']> = async (tx, c) => {
  if (c.kind !== 'user_deleted') return;
  await tx.execute('INSERT OR REPLACE INTO deleted_users (user_id, deleted_at) VALUES (?, ?)', [c.userId, c.at]);
  await tx.execute('DELETE FROM deleting_users WHERE user_id = ?', [c.userId]);
};

/** An account's deletion began (`on`) or was withdrawn: kept in `deleting_users`, then in memory. */
const deletion = (model: ReadModel, on: boolean) => async (e: Envelope<{ userId: string }>, tx: Tx) => {
  if (on) await tx.execute('INSERT OR IGNORE INTO deleting_users (user_id) VALUES (?)', [e.data.userId]);
  else await tx.execute('DELETE FROM deleting_users WHERE user_id = ?', [e.data.userId]);
  tx.afterCommit(() => model.deletionCommitted(e.data.userId, on));
};

/** Writes a session change in the consumer's transaction. */
async function writeSession(tx: Tx, c: SessionRevoked): Promise<void> {
  await tx.execute('INSERT OR REPLACE INTO revoked_sessions (session_id, user_id, revoked_at) VALUES (?, ?, ?)', [c.sessionId, c.userId, c.at]);
}

/**
 * The consumer of users events that keeps `model`: mount it with `api.consume('users', …)`.
 *
 * @example
 * const model = new ReadModel(api.db, api.log);
 * await model.load();
 * api.consume('users', usersConsumer(model));
 */
export function usersConsumer(model: ReadModel): ConsumeSpec {
  return membership.membershipConsumer(
    { after: rememberDeleted, committed: (changes, event) => model.committed(event, changes) },
    {
      groups: true,
      also: [
        on(users.SessionRevoked, async (e, tx) => {
          const c = sessionRevoked(e);
          await writeSession(tx, c);
          tx.afterCommit(() => model.committed(e, [c]));
        }),
        on(sagas.AccountDeletionRequested, deletion(model, true)),
        on(sagas.AccountDeletionWithdrawn, deletion(model, false)),
      ],
      // Empties what the gateway keeps besides membership (the membership consumer empties that).
      reset: async (tx) => {
        for (const table of ['revoked_sessions', 'deleted_users', 'deleting_users']) await tx.execute(`DELETE FROM ${table}`);
        tx.afterCommit(() => model.clear());
      },
    },
  );
}
