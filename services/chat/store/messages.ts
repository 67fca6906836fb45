/**
 * Reading the messages read model: what the handlers (inside their write transaction or
 * not) and the consumers ask of it. Each function takes whatever reads — the database
 * outside a write, the transaction (`tx.query`) inside one.
 */
import type { chat } from '../../../src/contracts/index.ts';
import type { Tx } from '../../../src/kit/index.ts';
import { ChatError } from '../domain/errors.ts';

/** Something that reads: `api.db` outside a write, the `tx` inside one. */
export type Reader = Pick<Tx, 'query'>;

type Row = Record<string, unknown>;
const str = (x: unknown): string | null => (x === null || x === undefined ? null : String(x));

/** A row as the API shows it. */
export function toMessage(r: Row): chat.Message {
  return {
    id: String(r.id),
    groupId: String(r.group_id),
    seq: Number(r.seq),
    kind: r.kind === 'system' ? 'system' : 'user',
    authorId: str(r.author_id),
    authorName: String(r.author_name),
    text: str(r.text),
    replyTo: str(r.reply_to),
    system: r.system ? JSON.parse(String(r.system)) : null,
    createdAt: String(r.created_at),
    editedAt: str(r.edited_at),
    deletedAt: str(r.deleted_at),
  };
}

/** One message of the group, or undefined. */
export async function findMessage(r: Reader, groupId: string, id: string): Promise<chat.Message | undefined> {
  const [row] = await r.query('SELECT * FROM messages WHERE group_id = ? AND id = ?', [groupId, id]);
  return row ? toMessage(row) : undefined;
}

/** One message of the group; refuses with `chat.no_message` when there is none. */
export async function requireMessage(r: Reader, groupId: string, id: string): Promise<chat.Message> {
  const m = await findMessage(r, groupId, id);
  if (!m) throw ChatError.noMessage();
  return m;
}

/** The message `authorId` (null: the service) sent in the group with `txnId`, if any. */
export async function findSent(r: Reader, groupId: string, authorId: string | null, txnId: string): Promise<chat.Message | undefined> {
  const [row] = await r.query('SELECT * FROM messages WHERE group_id = ? AND author_id IS ? AND txn_id = ?', [groupId, authorId, txnId]);
  return row ? toMessage(row) : undefined;
}

/** Where `userId`'s read marker in the group is, if anywhere. */
export async function readMarker(r: Reader, groupId: string, userId: string): Promise<{ seq: number; messageId: string } | undefined> {
  const [row] = await r.query('SELECT seq, message_id FROM read_markers WHERE group_id = ? AND user_id = ?', [groupId, userId]);
  return row ? { seq: Number(row.seq), messageId: String(row.message_id) } : undefined;
}

/** How many messages after `userId`'s read marker they have not read: others' messages, not deleted. */
export async function unreadCount(r: Reader, groupId: string, userId: string): Promise<number> {
  const [row] = await r.query(
    `SELECT count(*) AS n FROM messages WHERE group_id = ? AND seq > coalesce((SELECT seq FROM read_markers WHERE group_id = ? AND user_id = ?), 0)
       AND deleted_at IS NULL AND (author_id IS NULL OR author_id != ?)`,
    [groupId, groupId, userId, userId],
  );
  return Number(row?.n ?? 0);
}
