/**
 * A system message in answer to another service's event, appended in the consumer's
 * transaction (`tx.append`: the kit sets its trace — the event's correlation id, the event
 * as its cause), so each happens once. Its txnId names the cause: consuming that event
 * again (a rebuild reads the producers' logs from the start) finds it and sends nothing; in
 * a group deleted since (its messages erased, the group in `deleted_groups`), nothing either.
 */
import { uuidv7, type Envelope, type WriteTx } from '../../../src/kit/index.ts';
import { chat } from '../../../src/contracts/index.ts';
import { causeTxnId, chatStream, systemMessage, type SystemKind } from '../domain/messages.ts';
import { findSent } from '../store/messages.ts';

/** Tells `groupId` what `cause` meant for `userId` (named `name`). */
export async function announce(tx: WriteTx, cause: Envelope, o: { groupId: string; kind: SystemKind; userId: string; name: string }): Promise<void> {
  const txnId = causeTxnId(cause.id);
  if (await findSent(tx, o.groupId, null, txnId)) return;
  if ((await tx.query('SELECT 1 FROM deleted_groups WHERE group_id = ?', [o.groupId])).length) return;
  const message = systemMessage({ id: uuidv7(), groupId: o.groupId, kind: o.kind, userId: o.userId, name: o.name, at: cause.at });
  await tx.append(chat.MessageSent, { groupId: o.groupId, message, txnId }, { stream: chatStream(o.groupId) });
}
