/**
 * Writing: send (idempotent per author and `txnId`: a retry returns the first message),
 * edit (the author only), delete (the author or an admin; the text is erased, the place
 * kept), and moving one's read marker forward. Inside `ctx.write` each handler reads through
 * the transaction alone (`tx.query`): it sees its own writes, and on a single-connection
 * database (an embedded replica) a read through `api.db` would wait for the lock the
 * transaction holds (tests/chat/single-connection.int.test.ts).
 */
import { uuidv7, type ServiceApi } from '../../../src/kit/index.ts';
import { chat, membership } from '../../../src/contracts/index.ts';
import { decideDelete, decideEdit, decideReadMarker } from '../domain/decide.ts';
import { ChatError } from '../domain/errors.ts';
import { chatStream, userMessage } from '../domain/messages.ts';
import { findMessage, findSent, readMarker, requireMessage, unreadCount } from '../store/messages.ts';

/** Registers the handlers. */
export function handleWrites(api: ServiceApi): void {
  const iso = () => new Date(api.now()).toISOString();

  api.handle(chat.SendMessage, (req, ctx) =>
    ctx.write(async (tx) => {
      const me = await membership.requireMember(tx, req.groupId, req.actor.userId);
      const prior = await findSent(tx, req.groupId, req.actor.userId, req.txnId);
      if (prior) return { message: prior, duplicate: true };
      if (req.replyTo && !(await findMessage(tx, req.groupId, req.replyTo))) throw ChatError.noReplyTarget();
      const message = userMessage({ id: uuidv7(), groupId: req.groupId, author: me, text: req.text, replyTo: req.replyTo ?? null, at: iso() });
      const e = await tx.append(chat.MessageSent, { groupId: req.groupId, message, txnId: req.txnId }, { stream: chatStream(req.groupId) });
      return { message: { ...message, seq: e.seq }, duplicate: false };
    }),
  );

  api.handle(chat.EditMessage, (req, ctx) =>
    ctx.write(async (tx) => {
      await membership.requireMember(tx, req.groupId, req.actor.userId);
      const m = await requireMessage(tx, req.groupId, req.messageId);
      const edit = decideEdit(m, req.actor.userId, req.text, iso());
      await tx.append(chat.MessageEdited, edit, { stream: chatStream(req.groupId) });
      return { ...m, text: edit.text, editedAt: edit.editedAt };
    }),
  );

  api.handle(chat.DeleteMessage, (req, ctx) =>
    ctx.write(async (tx) => {
      const me = await membership.requireMember(tx, req.groupId, req.actor.userId);
      const m = await requireMessage(tx, req.groupId, req.messageId);
      const del = decideDelete(m, me, iso());
      if (!del) return m;
      await tx.append(chat.MessageDeleted, del, { stream: chatStream(req.groupId) });
      return { ...m, text: null, deletedAt: del.deletedAt };
    }),
  );

  api.handle(chat.MarkRead, (req, ctx) =>
    ctx.write(async (tx) => {
      await membership.requireMember(tx, req.groupId, req.actor.userId);
      const m = await requireMessage(tx, req.groupId, req.messageId);
      const marker = await readMarker(tx, req.groupId, req.actor.userId);
      const moved = decideReadMarker(marker, m, req.actor.userId);
      if (moved) await tx.append(chat.ReadMarkerMoved, moved, { stream: chatStream(req.groupId) });
      return { messageId: moved ? moved.messageId : (marker?.messageId ?? null), unread: await unreadCount(tx, req.groupId, req.actor.userId) };
    }),
  );
}
