/**
 * Writing: send (idempotent per author and `txnId`: a retry returns the first message),
 * edit (the author only), delete (the author or an admin; the text is erased, the place
 * kept), and moving one's read marker forward.
 */
import { AppError, uuidv7, type ServiceApi } from '../../../src/kit/index.ts';
import { chat, membership } from '../../../src/contracts/index.ts';
import { chatStream } from '../projections/system-messages.ts';
import { requireMember } from '../store/members.ts';
import { findMessage, toMessage } from '../store/messages.ts';

const noSuchMessage = () => new AppError('not_found', 'chat.no_message', 'No such message in this group');

/** Registers the handlers. */
export function handleWrites(api: ServiceApi, now: () => number): void {
  const iso = () => new Date(now()).toISOString();

  api.handle(chat.SendMessage, (req, ctx) =>
    ctx.write(async (tx) => {
      const me = await requireMember(api.db, req.groupId, req.actor.userId);
      const [prior] = (await tx.execute('SELECT * FROM messages WHERE group_id = ? AND author_id = ? AND txn_id = ?', [req.groupId, req.actor.userId, req.txnId])).rows;
      if (prior) return { message: toMessage(prior as Record<string, unknown>), duplicate: true };
      if (req.replyTo && !(await tx.execute('SELECT 1 FROM messages WHERE group_id = ? AND id = ?', [req.groupId, req.replyTo])).rows.length) {
        throw new AppError('validation', 'chat.no_reply_target', 'The message replied to is not in this group', { issues: [{ path: 'replyTo', message: 'is not a message of this group' }] });
      }
      const message: Omit<chat.Message, 'seq'> = {
        id: uuidv7(),
        groupId: req.groupId,
        kind: 'user',
        authorId: req.actor.userId,
        authorName: me.displayName,
        text: req.text,
        replyTo: req.replyTo ?? null,
        system: null,
        createdAt: iso(),
        editedAt: null,
        deletedAt: null,
      };
      const e = await tx.append(chat.MessageSent, { groupId: req.groupId, message, txnId: req.txnId }, { stream: chatStream(req.groupId) });
      return { message: { ...message, seq: e.seq }, duplicate: false };
    }),
  );

  api.handle(chat.EditMessage, (req, ctx) =>
    ctx.write(async (tx) => {
      await requireMember(api.db, req.groupId, req.actor.userId);
      const m = await findMessage(api.db, req.groupId, req.messageId);
      if (!m) throw noSuchMessage();
      if (m.authorId !== req.actor.userId) throw new AppError('forbidden', 'chat.not_author', 'Only the author may edit a message');
      if (m.deletedAt) throw new AppError('conflict', 'chat.deleted', 'A deleted message cannot be edited');
      const editedAt = iso();
      await tx.append(chat.MessageEdited, { groupId: req.groupId, messageId: m.id, text: req.text, editedAt }, { stream: chatStream(req.groupId) });
      return { ...m, text: req.text, editedAt };
    }),
  );

  api.handle(chat.DeleteMessage, (req, ctx) =>
    ctx.write(async (tx) => {
      const me = await requireMember(api.db, req.groupId, req.actor.userId);
      const m = await findMessage(api.db, req.groupId, req.messageId);
      if (!m) throw noSuchMessage();
      if (m.deletedAt) return m;
      const mine = m.authorId === req.actor.userId;
      if (!mine && !(membership.canModerate(me.role) && m.kind === 'user')) throw new AppError('forbidden', 'chat.not_author', 'Only the author or an admin may delete a message');
      const deletedAt = iso();
      await tx.append(chat.MessageDeleted, { groupId: req.groupId, messageId: m.id, by: req.actor.userId, deletedAt }, { stream: chatStream(req.groupId) });
      return { ...m, text: null, deletedAt };
    }),
  );

  api.handle(chat.MarkRead, (req, ctx) =>
    ctx.write(async (tx) => {
      await requireMember(api.db, req.groupId, req.actor.userId);
      const m = await findMessage(api.db, req.groupId, req.messageId);
      if (!m) throw noSuchMessage();
      const [marker] = (await tx.execute('SELECT seq, message_id FROM read_markers WHERE group_id = ? AND user_id = ?', [req.groupId, req.actor.userId])).rows;
      let readUpTo = marker ? String(marker.message_id) : null;
      if (!marker || Number(marker.seq) < m.seq) {
        await tx.append(chat.ReadMarkerMoved, { groupId: req.groupId, userId: req.actor.userId, messageId: m.id, seq: m.seq }, { stream: chatStream(req.groupId) });
        readUpTo = m.id;
      }
      const [n] = (await tx.execute(
        `SELECT count(*) AS n FROM messages WHERE group_id = ? AND seq > coalesce((SELECT seq FROM read_markers WHERE group_id = ? AND user_id = ?), 0)
           AND deleted_at IS NULL AND (author_id IS NULL OR author_id != ?)`,
        [req.groupId, req.groupId, req.actor.userId, req.actor.userId],
      )).rows;
      return { messageId: readUpTo, unread: Number(n!.n) };
    }),
  );
}
