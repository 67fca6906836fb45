/**
 * notifications' part in the export saga (docs/sagas.md, "Exporting my data"): the
 * notifications the person received, their preferences, and their targets **without
 * secrets** (the URL as the app shows it — an ntfy user and password taken out — and no
 * token or webhook secret). Reads only: the same cursor gives the same page.
 */
import { sagas } from '../../../src/contracts/index.ts';
import { readSectionPage, type Section, type ServiceApi } from '../../../src/kit/index.ts';
import { shownUrl } from '../forwarding/ntfy.ts';

function sections(api: ServiceApi, userId: string): Section[] {
  return [
    {
      name: 'notifications',
      read: async (after, limit) => {
        const rows = await api.db.query(
          `SELECT seq, id, group_id, type, priority, title, body, actor_id, subject, created_at, read_at FROM notifications
           WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
          [userId, Number(after?.[0] ?? 0), limit],
        );
        return rows.map((r) => ({
          key: [Number(r.seq)],
          line: JSON.stringify({ id: r.id, groupId: r.group_id ?? null, type: r.type, priority: r.priority, title: r.title, body: r.body, actorId: r.actor_id ?? null, subject: r.subject ?? null, createdAt: r.created_at, readAt: r.read_at ?? null }),
        }));
      },
    },
    {
      name: 'preferences',
      read: async (after, limit) => {
        if (after) return [];
        const rows = await api.db.query('SELECT body FROM preferences WHERE user_id = ? LIMIT ?', [userId, limit]);
        return rows.map((r) => ({ key: ['x'], line: JSON.stringify(JSON.parse(String(r.body))) }));
      },
    },
    {
      name: 'targets',
      read: async (after, limit) => {
        const rows = await api.db.query('SELECT id, kind, label, url, secret, created_at FROM targets WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?', [userId, after?.[0] ?? '', limit]);
        return rows.map((r) => ({ key: [r.id], line: JSON.stringify({ id: r.id, kind: r.kind, label: r.label, url: shownUrl(String(r.url)), hasSecret: r.secret != null, createdAt: r.created_at }) }));
      },
    },
  ];
}

/** Answers `saga.notifications.export_page`. */
export function handleExportSaga(api: ServiceApi): void {
  api.handle(sagas.ExportNotificationsPage, ({ data }) => readSectionPage(sections(api, data.userId), data.cursor, data.limit, sagas.EXPORT_PAGE_BYTES));
}
