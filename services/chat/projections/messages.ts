/**
 * The messages projection, inside the appending transaction: each sent message becomes a
 * row (its seq is the event's) and an entry of the full-text index; an edit replaces the
 * text in both; a delete erases the text and the index entry but keeps the row (the
 * tombstone); a read marker only ever moves forward.
 */
import type { InlineProjection } from '../../../src/kit/index.ts';
import type { chat } from '../../../src/contracts/index.ts';

type Sent = { groupId: string; message: Omit<chat.Message, 'seq'>; txnId: string | null };

/** The projection of chat's own events. */
export function messagesProjection(): InlineProjection {
  return {
    name: 'messages',
    async reset(tx) {
      for (const t of ['messages', 'messages_fts', 'read_markers']) await tx.execute(`DELETE FROM ${t}`);
    },
    async apply(e, tx) {
      switch (e.type) {
        case 'message.sent': {
          const { message: m, txnId } = e.data as Sent;
          await tx.execute(
            `INSERT INTO messages (seq, id, group_id, kind, author_id, author_name, text, reply_to, system, txn_id, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            [e.seq, m.id, m.groupId, m.kind, m.authorId, m.authorName, m.text, m.replyTo, m.system ? JSON.stringify(m.system) : null, txnId, m.createdAt],
          );
          if (m.text !== null) await tx.execute('INSERT INTO messages_fts (rowid, text) VALUES (?, ?)', [e.seq, m.text]);
          break;
        }
        case 'message.edited': {
          const d = e.data as { messageId: string; text: string; editedAt: string };
          const rs = await tx.execute('UPDATE messages SET text = ?, edited_at = ? WHERE id = ? AND deleted_at IS NULL RETURNING seq', [d.text, d.editedAt, d.messageId]);
          const seq = rs.rows[0]?.seq;
          if (seq !== undefined) {
            await tx.execute('DELETE FROM messages_fts WHERE rowid = ?', [seq]);
            await tx.execute('INSERT INTO messages_fts (rowid, text) VALUES (?, ?)', [seq, d.text]);
          }
          break;
        }
        case 'message.deleted': {
          const d = e.data as { messageId: string; deletedAt: string };
          const rs = await tx.execute('UPDATE messages SET text = NULL, deleted_at = ? WHERE id = ? RETURNING seq', [d.deletedAt, d.messageId]);
          const seq = rs.rows[0]?.seq;
          if (seq !== undefined) await tx.execute('DELETE FROM messages_fts WHERE rowid = ?', [seq]);
          break;
        }
        case 'read.marker_moved': {
          const d = e.data as { groupId: string; userId: string; messageId: string; seq: number };
          await tx.execute(
            `INSERT INTO read_markers (group_id, user_id, seq, message_id) VALUES (?, ?, ?, ?)
             ON CONFLICT (group_id, user_id) DO UPDATE SET seq = excluded.seq, message_id = excluded.message_id WHERE excluded.seq > read_markers.seq`,
            [d.groupId, d.userId, d.seq, d.messageId],
          );
          break;
        }
        default:
          break;
      }
    },
  };
}
