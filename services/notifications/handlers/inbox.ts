/**
 * The inbox: pages by cursor (after an id, oldest first — the reconnecting client's
 * question; or the newest first, older pages before an id), the unread count, and marking
 * read (some, all up to one, or all), which other devices of the user see on their stream.
 */
import { AppError, type ServiceApi } from '../../../src/kit/index.ts';
import { notifications } from '../../../src/contracts/index.ts';
import type { Deps } from '../deps.ts';
import { toNotification, unreadOf } from '../store/inbox.ts';

const noCursor = (path: string) =>
  new AppError('not_found', 'notifications.no_cursor', 'No such notification in your inbox (it may have been erased): fetch the newest page instead', { issues: [{ path, message: 'is not a notification in your inbox' }] });

type Query = (sql: string, args: (string | number)[]) => Promise<Record<string, unknown>[]>;

async function seqOf(q: Query, userId: string, id: string, path: string): Promise<number> {
  const [r] = await q('SELECT seq FROM notifications WHERE id = ? AND user_id = ?', [id, userId]);
  if (!r) throw noCursor(path);
  return Number(r.seq);
}

/** Registers the inbox handlers. */
export function handleInbox(api: ServiceApi, d: Deps): void {
  api.handle(notifications.GetInbox, async (req) => {
    const me = req.actor.userId;
    const q: Query = (sql, args) => d.db.query(sql, args);
    const unreadOnly = req.unreadOnly ? ' AND read_at IS NULL' : '';
    const limit = req.limit + 1;
    let rows;
    if (req.since) {
      const after = await seqOf(q, me, req.since, 'since');
      rows = await q(`SELECT * FROM notifications WHERE user_id = ? AND seq > ?${unreadOnly} ORDER BY seq LIMIT ?`, [me, after, limit]);
    } else {
      const before = req.before ? await seqOf(q, me, req.before, 'before') : Number.MAX_SAFE_INTEGER;
      rows = await q(`SELECT * FROM notifications WHERE user_id = ? AND seq < ?${unreadOnly} ORDER BY seq DESC LIMIT ?`, [me, before, limit]);
    }
    const [n] = await q('SELECT count(*) AS n FROM notifications WHERE user_id = ? AND read_at IS NULL', [me]);
    return { items: rows.slice(0, req.limit).map(toNotification), unread: Number(n!.n), hasMore: rows.length > req.limit };
  });

  api.handle(notifications.MarkRead, (req, ctx) =>
    ctx.write(async (tx) => {
      const me = req.actor.userId;
      const at = new Date(d.now()).toISOString();
      let marked: number;
      if (req.ids) {
        const known = (await tx.execute(`SELECT count(*) AS n FROM notifications WHERE user_id = ? AND id IN (${req.ids.map(() => '?').join(',')})`, [me, ...req.ids])).rows[0]!;
        if (Number(known.n) !== new Set(req.ids).size) throw noCursor('ids');
        marked = (await tx.execute(`UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL AND id IN (${req.ids.map(() => '?').join(',')})`, [at, me, ...req.ids])).rowsAffected;
      } else {
        const upTo = req.upTo ? await seqOf((sql, args) => tx.query(sql, args), me, req.upTo, 'upTo') : Number.MAX_SAFE_INTEGER;
        marked = (await tx.execute('UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL AND seq <= ?', [at, me, upTo])).rowsAffected;
      }
      const unread = await unreadOf(tx, me);
      if (marked > 0) {
        await tx.append(notifications.NotificationsRead, { userId: me, ids: req.ids ?? null, upTo: req.upTo ?? null, unread }, { stream: notifications.inboxStream(me) });
      }
      return { marked, unread };
    }),
  );
}
