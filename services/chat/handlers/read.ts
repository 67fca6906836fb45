/**
 * Reading: pages of history from the indexed read model (never by replaying the log) —
 * the newest page, or the page before or after a message or an instant — full-text search,
 * and unread counts from the read markers.
 */
import type { ServiceApi } from '../../../src/kit/index.ts';
import { chat, membership } from '../../../src/contracts/index.ts';
import { ChatError } from '../domain/errors.ts';
import { toMessage } from '../store/messages.ts';

const IS_ID = /^[0-9a-f]{8}-/;

/** Registers the handlers. */
export function handleReads(api: ServiceApi): void {
  const db = api.db;

  /** The seq a cursor stands for: a message's own, or the first message at or after an instant. */
  async function cursorSeq(groupId: string, cursor: string, side: 'before' | 'after'): Promise<number> {
    if (IS_ID.test(cursor)) {
      const [row] = await db.query('SELECT seq FROM messages WHERE group_id = ? AND id = ?', [groupId, cursor]);
      if (!row) throw ChatError.noMessage({ issues: [{ path: side, message: 'is not a message of this group' }] });
      return Number(row.seq);
    }
    const at = new Date(Date.parse(cursor)).toISOString();
    // before an instant: messages sent before it; after: messages sent after it.
    const [row] = side === 'before'
      ? await db.query('SELECT coalesce(min(seq), 9007199254740991) AS seq FROM messages WHERE group_id = ? AND created_at >= ?', [groupId, at])
      : await db.query('SELECT coalesce(max(seq), 0) AS seq FROM messages WHERE group_id = ? AND created_at <= ?', [groupId, at]);
    return Number(row?.seq);
  }

  api.handle(chat.GetHistory, async (req) => {
    await membership.requireMember(db, req.groupId, req.actor.userId);
    if (req.before && req.after) throw ChatError.twoCursors();
    const limit = req.limit;
    let rows;
    if (req.after) {
      const seq = await cursorSeq(req.groupId, req.after, 'after');
      rows = await db.query('SELECT * FROM messages WHERE group_id = ? AND seq > ? ORDER BY seq ASC LIMIT ?', [req.groupId, seq, limit + 1]);
      const hasMore = rows.length > limit;
      return { messages: rows.slice(0, limit).map((r) => toMessage(r)), hasMore };
    }
    const seq = req.before ? await cursorSeq(req.groupId, req.before, 'before') : Number.MAX_SAFE_INTEGER;
    rows = await db.query('SELECT * FROM messages WHERE group_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?', [req.groupId, seq, limit + 1]);
    const hasMore = rows.length > limit;
    return { messages: rows.slice(0, limit).reverse().map((r) => toMessage(r)), hasMore };
  });

  api.handle(chat.SearchMessages, async (req) => {
    await membership.requireMember(db, req.groupId, req.actor.userId);
    // Each word is a quoted term (a prefix match for the last): the query language is not exposed.
    const words = req.q.split(/\s+/).filter(Boolean).map((w) => `"${w.replace(/"/g, '""')}"`);
    const match = words.map((w, i) => (i === words.length - 1 ? `${w}*` : w)).join(' ');
    const rows = await db.query(
      `SELECT m.*, snippet(messages_fts, 0, '[', ']', '…', 12) AS snippet FROM messages_fts
         JOIN messages m ON m.seq = messages_fts.rowid
       WHERE messages_fts MATCH ? AND m.group_id = ? ORDER BY rank LIMIT ?`,
      [match, req.groupId, req.limit],
    );
    return { results: rows.map((r) => ({ message: toMessage(r), snippet: String(r.snippet) })) };
  });

  api.handle(chat.GetUnread, async (req) => {
    const rows = await db.query(
      `SELECT g.group_id, rm.message_id,
         (SELECT count(*) FROM messages m WHERE m.group_id = g.group_id AND m.seq > coalesce(rm.seq, 0)
            AND m.deleted_at IS NULL AND (m.author_id IS NULL OR m.author_id != ?)) AS unread
       FROM members g LEFT JOIN read_markers rm ON rm.group_id = g.group_id AND rm.user_id = g.user_id
       WHERE g.user_id = ? ORDER BY g.group_id`,
      [req.actor.userId, req.actor.userId],
    );
    return { groups: rows.map((r) => ({ groupId: String(r.group_id), unread: Number(r.unread), readUpTo: r.message_id === null ? null : String(r.message_id) })) };
  });
}
