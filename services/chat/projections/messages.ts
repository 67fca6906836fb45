/**
 * The messages projection, inside the appending transaction: each sent message becomes a
 * row (its seq is the event's) and an entry of the full-text index; an edit replaces the
 * text in both; a delete erases the text and the index entry but keeps the row (the
 * tombstone); a read marker only ever moves forward.
 */
import { on, type ProjectionSpec } from '../../../src/kit/index.ts';
import { chat } from '../../../src/contracts/index.ts';

/** The projection of chat's own events. */
export function messagesProjection(): ProjectionSpec {
  return {
    name: 'messages',
    async reset(tx) {
      for (const t of ['messages', 'messages_fts', 'read_markers']) await tx.execute(`DELETE FROM ${t}`);
    },
    handlers: [
      on(chat.MessageSent, async (e, tx) => {
        const { message: m, txnId } = e.data;
        await tx.execute(
          `INSERT INTO messages (seq, id, group_id, kind, author_id, author_name, text, reply_to, system, txn_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [e.seq, m.id, m.groupId, m.kind, m.authorId, m.authorName, m.text, m.replyTo, m.system ? JSON.stringify(m.system) : null, txnId, m.createdAt],
        );
        if (m.text !== null) await tx.execute('INSERT INTO messages_fts (rowid, text) VALUES (?, ?)', [e.seq, m.text]);
      }),
      on(chat.MessageEdited, async (e, tx) => {
        const d = e.data;
        const [row] = await tx.query('UPDATE messages SET text = ?, edited_at = ? WHERE id = ? AND deleted_at IS NULL RETURNING seq', [d.text, d.editedAt, d.messageId]);
        if (!row) return;
        await tx.execute('DELETE FROM messages_fts WHERE rowid = ?', [row.seq]);
        await tx.execute('INSERT INTO messages_fts (rowid, text) VALUES (?, ?)', [row.seq, d.text]);
      }),
      on(chat.MessageDeleted, async (e, tx) => {
        const [row] = await tx.query('UPDATE messages SET text = NULL, deleted_at = ? WHERE id = ? RETURNING seq', [e.data.deletedAt, e.data.messageId]);
        if (row) await tx.execute('DELETE FROM messages_fts WHERE rowid = ?', [row.seq]);
      }),
      on(chat.ReadMarkerMoved, (e, tx) =>
        tx.execute(
          `INSERT INTO read_markers (group_id, user_id, seq, message_id) VALUES (?, ?, ?, ?)
           ON CONFLICT (group_id, user_id) DO UPDATE SET seq = excluded.seq, message_id = excluded.message_id WHERE excluded.seq > read_markers.seq`,
          [e.data.groupId, e.data.userId, e.data.seq, e.data.messageId],
        ),
      ),
    ],
  };
}
