/**
 * Chat's step in the account-deletion saga (docs/sagas.md). Today's rule stays: what the
 * person wrote stays for the group, anonymised ("Deleted account", no author id), and the
 * group's story keeps its shape ("… joined", "… left") without the name. Once chat's users
 * consumer has read the saga's membership events (so the "… left" messages exist), the step
 * anonymises the rows and the `message.sent` events they were folded from (a rebuild must
 * not bring the name back), drops the person's read markers, and erases their solo groups
 * (then compacts the search index: deleted FTS rows otherwise stay in old segments).
 */
import { chat, sagas } from '../../../src/contracts/index.ts';
import { forgetIdempotency, type ServiceApi, type WriteTx } from '../../../src/kit/index.ts';
import { eraseGroup } from '../consumers/users.ts';
import { chatStream } from '../domain/messages.ts';

/** What an anonymised author or system message is named. */
export const DELETED_NAME = 'Deleted account';

type Sent = { groupId: string; message: chat.Message; txnId: string | null };

/** The message without `userId`'s name and id; undefined when it does not name them. */
function anonymised(m: chat.Message, userId: string): chat.Message | undefined {
  const byThem = m.authorId === userId;
  const aboutThem = m.system?.userId === userId;
  if (!byThem && !aboutThem) return undefined;
  return {
    ...m,
    ...(byThem ? { authorId: null, authorName: DELETED_NAME } : {}),
    ...(aboutThem && m.system ? { system: { ...m.system, name: DELETED_NAME } } : {}),
  };
}

/** Anonymises `userId` in chat's rows and events; returns how many events were rewritten. */
export async function anonymiseUser(tx: WriteTx, api: Pick<ServiceApi, 'events'>, userId: string): Promise<number> {
  const groups = await tx.query("SELECT DISTINCT group_id FROM messages WHERE author_id = ? OR (kind = 'system' AND json_extract(system, '$.userId') = ?)", [userId, userId]);
  let n = 0;
  for (const g of groups) {
    for (let after = 0; ; ) {
      const page = await api.events.scan(tx, [chat.MessageSent.type], after, 500, chatStream(String(g.group_id)));
      if (!page.length) break;
      after = page.at(-1)!.seq;
      for (const e of page) {
        const data = e.data as Sent;
        const message = anonymised(data.message, userId);
        if (message) n += Number(await api.events.redact(tx, e.seq, { ...data, message }));
      }
    }
  }
  await tx.execute('UPDATE messages SET author_id = NULL, author_name = ? WHERE author_id = ?', [DELETED_NAME, userId]);
  await tx.execute("UPDATE messages SET system = json_set(system, '$.name', ?) WHERE kind = 'system' AND json_extract(system, '$.userId') = ?", [DELETED_NAME, userId]);
  await tx.execute('DELETE FROM read_markers WHERE user_id = ?', [userId]);
  return n;
}

/**
 * Answers `saga.chat.account_deletion_erase`.
 *
 * @example
 * mountAccountDeletion(api); // in main.ts's setup
 */
export function mountAccountDeletion(api: ServiceApi): void {
  api.sagaStep(sagas.AccountDeletionEraseChat, async ({ userId, afterSeq, soloGroupIds }, tx) => {
    await sagas.usersReadUpTo(tx, afterSeq);
    for (const groupId of soloGroupIds) await eraseGroup(tx, api.events, groupId);
    if (soloGroupIds.length) await tx.execute("INSERT INTO messages_fts (messages_fts) VALUES ('optimize')");
    await forgetIdempotency(tx, [userId, ...soloGroupIds]);
    return { erased: (await anonymiseUser(tx, api, userId)) + soloGroupIds.length };
  });
}
