/** Reading messages from the read model. */
import type { chat } from '../../../src/contracts/index.ts';
import type { Db } from '../../../src/kit/index.ts';

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
export async function findMessage(db: Db, groupId: string, id: string): Promise<chat.Message | undefined> {
  const [row] = await db.query('SELECT * FROM messages WHERE group_id = ? AND id = ?', [groupId, id]);
  return row ? toMessage(row as Row) : undefined;
}
