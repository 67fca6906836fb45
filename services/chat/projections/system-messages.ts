/**
 * The conversation tells the group's story: consumers of the users and location services'
 * events keep chat's membership read model and append system messages (a member joined,
 * left or was removed; an SOS raised or cleared; a destination reached) in the consumer's
 * transaction, so each happens once. A deleted group takes its conversation with it (rows
 * and events); a deleted account is anonymised in what it wrote.
 */
import { uuidv7, type ConsumeSpec, type ConsumerSpec, type Envelope, type EventLog, type Tx } from '../../../src/kit/index.ts';
import { chat, membership } from '../../../src/contracts/index.ts';

type Data = Record<string, string>;
type SystemType = chat.Message['system'] extends infer S ? (S extends { type: infer T } ? T : never) : never;

/** The stream of a group's conversation. */
export const chatStream = (groupId: string): string => `chat:${groupId}`;

async function nameOf(tx: Tx, groupId: string, userId: string): Promise<string> {
  const rs = await tx.execute('SELECT display_name FROM members WHERE group_id = ? AND user_id = ?', [groupId, userId]);
  return rs.rows[0] ? String(rs.rows[0].display_name) : 'A member';
}

// A system message's txnId names the event that caused it: consuming that event again (a
// rebuild empties the consumers' tables and reads the producers' logs from the start)
// finds it and sends nothing.
async function system(events: EventLog, tx: Tx, e: Envelope, groupId: string, type: SystemType, userId: string, name: string): Promise<void> {
  const txnId = `cause:${e.id}`;
  if ((await tx.execute('SELECT 1 FROM messages WHERE group_id = ? AND author_id IS NULL AND txn_id = ?', [groupId, txnId])).rows.length) return;
  const message: Omit<chat.Message, 'seq'> = {
    id: uuidv7(),
    groupId,
    kind: 'system',
    authorId: null,
    authorName: 'Hearth',
    text: null,
    replyTo: null,
    system: { type, userId, name },
    createdAt: e.at,
    editedAt: null,
    deletedAt: null,
  };
  await events.append(tx, chat.MessageSent, { groupId, message, txnId }, { stream: chatStream(groupId), correlationId: e.correlationId, causationId: e.id });
}

/** What chat adds to the membership projection: member system messages and erasure. */
export function chatHooks(events: EventLog): membership.MembershipHooks {
  return {
    async before(tx, c, e) {
      // A leaver's name, read while `members` still lists them.
      if (c.kind !== 'left') return;
      const name = await nameOf(tx, c.groupId, c.userId);
      await tx.execute('DELETE FROM read_markers WHERE group_id = ? AND user_id = ?', [c.groupId, c.userId]);
      await system(events, tx, e, c.groupId, c.removedBy === null ? 'member_left' : 'member_removed', c.userId, name);
    },
    async after(tx, c, e) {
      switch (c.kind) {
        case 'member':
          if (c.via === 'joined') await system(events, tx, e, c.groupId, 'member_joined', c.userId, c.displayName);
          return;
        case 'group_deleted':
          await tx.execute('DELETE FROM messages_fts WHERE rowid IN (SELECT seq FROM messages WHERE group_id = ?)', [c.groupId]);
          for (const t of ['messages', 'read_markers']) await tx.execute(`DELETE FROM ${t} WHERE group_id = ?`, [c.groupId]);
          await events.erase(tx, { stream: chatStream(c.groupId) });
          return;
        case 'user_deleted':
          await tx.execute("UPDATE messages SET author_id = NULL, author_name = 'Deleted account' WHERE author_id = ?", [c.userId]);
          // The group's story keeps its shape ("… joined", "… left") without the name.
          await tx.execute("UPDATE messages SET system = json_set(system, '$.name', 'Deleted account') WHERE kind = 'system' AND json_extract(system, '$.userId') = ?", [c.userId]);
          await tx.execute('DELETE FROM read_markers WHERE user_id = ?', [c.userId]);
          return;
        default:
          return;
      }
    },
  };
}

/** The consumer of `evt.users.*`: membership (the shared projection), member system messages, erasure. */
export function usersConsumer(events: EventLog): ConsumeSpec {
  return membership.membershipConsumer(chatHooks(events));
}

const LOCATION_SYSTEM: Record<string, SystemType> = {
  'sos.raised': 'sos_raised',
  'sos.cleared': 'sos_cleared',
  'journey.destination_reached': 'destination_reached',
};

/** The consumer of `evt.location.*`: SOS and arrivals as system messages. */
export function locationConsumer(events: EventLog): ConsumerSpec {
  return {
    // Fixes are most of location's events: stepped over without a transaction each.
    types: Object.keys(LOCATION_SYSTEM),
    async apply(e, tx) {
      const type = LOCATION_SYSTEM[e.type];
      if (!type) return;
      const d = e.data as Data;
      const member = await membership.memberOf(tx, d.groupId!, d.userId!);
      if (member) await system(events, tx, e, d.groupId!, type, d.userId!, member.displayName);
    },
  };
}
