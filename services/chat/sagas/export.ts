/**
 * chat's part in the export saga (docs/sagas.md, "Exporting my data"): the messages the
 * person wrote (not deleted ones: a deleted message's text is gone), in the order the chat
 * stored them. Reads only: asking for the same cursor again gives the same page.
 */
import { sagas } from '../../../src/contracts/index.ts';
import { readSectionPage, type Section, type ServiceApi } from '../../../src/kit/index.ts';

function sections(api: ServiceApi, userId: string): Section[] {
  return [
    {
      name: 'messages',
      read: async (after, limit) => {
        const rows = await api.db.query(
          `SELECT seq, id, group_id, kind, text, reply_to, created_at, edited_at FROM messages
           WHERE author_id = ? AND deleted_at IS NULL AND seq > ? ORDER BY seq LIMIT ?`,
          [userId, Number(after?.[0] ?? 0), limit],
        );
        return rows.map((r) => ({
          key: [Number(r.seq)],
          line: JSON.stringify({ id: r.id, groupId: r.group_id, kind: r.kind, text: r.text ?? null, replyTo: r.reply_to ?? null, createdAt: r.created_at, editedAt: r.edited_at ?? null }),
        }));
      },
    },
  ];
}

/** Answers `saga.chat.export_page`. */
export function handleExportSaga(api: ServiceApi): void {
  api.handle(sagas.ExportChatPage, ({ data }) => readSectionPage(sections(api, data.userId), data.cursor, data.limit, sagas.EXPORT_PAGE_BYTES));
}
