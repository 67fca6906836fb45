/**
 * What the users service's events mean for the gateway's read model, as a pure function
 * from an event to a list of changes: membership as every consumer sees it
 * (`membership.membershipChanges` in src/contracts), plus the revoked sessions only the
 * gateway follows. The same changes are written to the database (in the consumer's
 * checkpoint transaction, so each event counts once) and, after the commit, applied to the
 * in-memory copy. Events of types this build does not know are skipped: a newer users
 * service may add some.
 */
import { check, type DataOf, type Envelope, type Tx } from '../../kit/index.ts';
import { membership, users } from '../../contracts/index.ts';

/** A revoked session: its access tokens are refused. */
export type SessionRevoked = { kind: 'session_revoked'; userId: string; sessionId: string; at: string };

/** One change to the read model. */
export type Change = membership.Change | SessionRevoked;

/** The gateway keeps group names as well as members. */
export const MEMBERSHIP_OPTIONS: membership.MembershipOptions = { groups: true };

/** The change a `session.revoked` event makes. */
export function sessionRevoked(e: Envelope<DataOf<typeof users.SessionRevoked>>): SessionRevoked {
  return { kind: 'session_revoked', userId: e.data.userId, sessionId: e.data.sessionId, at: e.at };
}

/** The session changes an event makes (none for other events). */
export function sessionChanges(event: Envelope): SessionRevoked[] {
  if (event.type !== users.SessionRevoked.type) return [];
  return [sessionRevoked({ ...event, data: check(users.SessionRevoked.data, event.data, 'gateway.invalid_event', `${users.SessionRevoked.type} event`) })];
}

/**
 * The changes an event makes (none for types the gateway does not follow).
 *
 * @example
 * changesOf(memberJoinedEvent); // [{ kind: 'member', groupId, userId, role: 'member', … }]
 */
export function changesOf(event: Envelope): Change[] {
  return [...membership.membershipChanges(event), ...sessionChanges(event)];
}

/** What the gateway adds to the membership projection: it remembers deleted accounts. */
export const gatewayHooks: membership.MembershipHooks = {
  async after(tx, c) {
    if (c.kind === 'user_deleted') await tx.execute('INSERT OR REPLACE INTO deleted_users (user_id, deleted_at) VALUES (?, ?)', [c.userId, c.at]);
  },
};

/** Writes a session change in the consumer's transaction. */
export async function writeSession(tx: Tx, c: SessionRevoked): Promise<void> {
  await tx.execute('INSERT OR REPLACE INTO revoked_sessions (session_id, user_id, revoked_at) VALUES (?, ?, ?)', [c.sessionId, c.userId, c.at]);
}

/** Empties what the gateway keeps besides membership (the membership consumer empties that). */
export async function resetSessions(tx: Tx): Promise<void> {
  for (const table of ['revoked_sessions', 'deleted_users']) await tx.execute(`DELETE FROM ${table}`);
}
