/**
 * The inbox: storing notifications exactly once per (cause event, recipient), each with its
 * `notification.created` event (the stream's live delivery) and its forwarding deliveries,
 * all in the caller's transaction; and reading pages of it.
 */
import { uuidv7, type Envelope, type EventLog, type Tx, type WriteTx } from '../../../src/kit/index.ts';
import { notifications } from '../../../src/contracts/index.ts';
import type { Draft } from '../domain/drafts.ts';
import { judge } from '../domain/preferences.ts';
import { watched } from '../domain/watches.ts';
import { enqueue } from '../forwarding/index.ts';
import { loadPrefs } from './preferences.ts';

type Row = Record<string, unknown>;

/** Maps an inbox row. */
export function toNotification(r: Row): notifications.Notification {
  return {
    id: String(r.id),
    type: String(r.type) as notifications.NotificationType,
    priority: String(r.priority) as notifications.Priority,
    groupId: r.group_id == null ? null : String(r.group_id),
    title: String(r.title),
    body: String(r.body),
    actorId: r.actor_id == null ? null : String(r.actor_id),
    refs: r.subject == null ? {} : (JSON.parse(String(r.subject)) as notifications.Notification['refs']),
    quiet: Number(r.quiet) === 1,
    createdAt: String(r.created_at),
    readAt: r.read_at == null ? null : String(r.read_at),
  };
}

/**
 * Stores the drafts caused by `cause` that the recipients' preferences let through; returns
 * how many were new (an arrival or departure only when the recipient's watches let it through:
 * domain/watches.ts). A draft whose (cause, recipient) is already stored is a redelivery or a
 * rebuild and is skipped, so nothing is notified — or forwarded — twice. `tx` is the
 * consumer's transaction of `cause`: the kit traces each `notification.created` to it.
 */
export async function notify(tx: WriteTx, cause: Pick<Envelope, 'id' | 'at'>, drafts: readonly Draft[], nowMs: number): Promise<number> {
  let made = 0;
  const createdAt = new Date(nowMs).toISOString();
  for (const d of drafts) {
    const prefs = await loadPrefs(tx, d.userId);
    const verdict = judge(prefs, d.type, d.groupId, nowMs);
    if (verdict === 'drop' || !watched(prefs, d)) continue;
    const n: notifications.Notification = {
      id: uuidv7(),
      type: d.type,
      priority: d.priority,
      groupId: d.groupId,
      title: d.title,
      body: d.body,
      actorId: d.actorId,
      refs: Object.fromEntries(Object.entries(d.refs).filter(([, v]) => v !== undefined)),
      quiet: verdict === 'quiet',
      createdAt,
      readAt: null,
    };
    const rs = await tx.execute(
      `INSERT INTO notifications (id, user_id, group_id, type, priority, title, body, actor_id, subject, cause_id, cause_at, quiet, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (cause_id, user_id) DO NOTHING`,
      [n.id, d.userId, n.groupId, n.type, n.priority, n.title, n.body, n.actorId, JSON.stringify(n.refs), cause.id, cause.at, n.quiet ? 1 : 0, createdAt],
    );
    if (rs.rowsAffected === 0) continue;
    const e = await tx.append(notifications.NotificationCreated, { userId: d.userId, notification: n }, { stream: notifications.inboxStream(d.userId) });
    await tx.execute('UPDATE notifications SET event_seq = ? WHERE id = ?', [e.seq, n.id]);
    if (!n.quiet) {
      await enqueue(tx, d.userId, { notificationId: n.id, type: n.type, priority: n.priority, title: n.title, body: n.body, groupId: n.groupId, createdAt }, nowMs);
    }
    made++;
  }
  return made;
}

/** The user's unread count. */
export async function unreadOf(tx: Tx, userId: string): Promise<number> {
  const rs = await tx.execute('SELECT count(*) AS n FROM notifications WHERE user_id = ? AND read_at IS NULL', [userId]);
  return Number(rs.rows[0]!.n);
}

/**
 * Erases notifications matching `where` (over `notifications`) with their events and their
 * deliveries — sent or not, with their log rows, so no title outlives the notification;
 * returns how many went. A send under way finishes, and its result is dropped.
 */
export async function eraseNotifications(tx: Tx, events: EventLog, where: string, args: (string | number)[]): Promise<number> {
  const ids = `SELECT id FROM notifications WHERE ${where}`;
  const seqs = await tx.query(`SELECT event_seq FROM notifications WHERE event_seq IS NOT NULL AND ${where}`, args);
  if (seqs.length) await events.erase(tx, { seqs: seqs.map((r) => Number(r.event_seq)) });
  await tx.execute(`DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE notification_id IN (${ids}))`, args);
  await tx.execute(`DELETE FROM deliveries WHERE notification_id IN (${ids})`, args);
  return (await tx.execute(`DELETE FROM notifications WHERE ${where}`, args)).rowsAffected;
}
