/**
 * The forwarding outbox as the rest of the service sees it: `enqueue` writes pending
 * deliveries inside the caller's transaction (the one that creates the notification, so a
 * notification and its forwarding commit together or not at all), `deliveryLog` reads a
 * target's attempts for its owner, `prune` keeps both tables small, and
 * `forgetTargetDeliveries` goes with deleting a target.
 */
import type { notifications } from '../../../src/contracts/index.ts';
import { AppError, type Db, type Tx } from '../../../src/kit/index.ts';

/** How much history `prune` keeps unless told otherwise. */
export const RETENTION = { attemptsPerTarget: 200, finishedMs: 7 * 24 * 3_600_000 } as const;

/**
 * Queues `m` for every target of `userId` (or only `targetId`, which must be theirs);
 * returns the new delivery ids, none when the user has no targets. Call
 * `forwarder.kick()` after the transaction commits (`tx.afterCommit`).
 *
 * @example
 * const ids = await enqueue(tx, userId, message, Date.now());
 * tx.afterCommit(() => forwarder.kick());
 */
export async function enqueue(tx: Tx, userId: string, m: notifications.ForwardMessage, nowMs: number, targetId?: string): Promise<number[]> {
  const targets = targetId
    ? await tx.execute('SELECT id FROM targets WHERE user_id = ? AND id = ?', [userId, targetId])
    : await tx.execute('SELECT id FROM targets WHERE user_id = ? ORDER BY id', [userId]);
  const at = new Date(nowMs).toISOString();
  const message = JSON.stringify(m);
  const ids: number[] = [];
  for (const t of targets.rows) {
    const r = await tx.execute(
      `INSERT INTO deliveries (target_id, user_id, notification_id, message, status, attempts, next_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)`,
      [String(t.id), userId, m.notificationId, message, nowMs, at, at],
    );
    ids.push(Number(r.lastInsertRowid));
  }
  return ids;
}

/**
 * The attempts of one of the user's targets, newest first, with the title of what was
 * sent. A target that is not the user's (or does not exist) is `notifications.no_target`.
 *
 * @example
 * const attempts = await deliveryLog(db, actor.userId, targetId, 50);
 */
export async function deliveryLog(db: Db, userId: string, targetId: string, limit: number): Promise<notifications.DeliveryAttempt[]> {
  const [owned] = await db.query('SELECT 1 FROM targets WHERE id = ? AND user_id = ?', [targetId, userId]);
  if (!owned) throw new AppError('not_found', 'notifications.no_target', 'No such target among yours');
  const rows = await db.query(
    `SELECT a.delivery_id, a.attempt, a.at, a.outcome, a.http_status, a.error, a.duration_ms,
            d.notification_id, json_extract(d.message, '$.title') AS title
       FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
      WHERE a.target_id = ? AND d.user_id = ?
      ORDER BY a.at DESC, a.delivery_id DESC, a.attempt DESC
      LIMIT ?`,
    [targetId, userId, limit],
  );
  return rows.map((r) => ({
    deliveryId: Number(r.delivery_id),
    attempt: Number(r.attempt),
    notificationId: r.notification_id === null ? null : String(r.notification_id),
    title: String(r.title ?? ''),
    at: String(r.at),
    outcome: r.outcome as notifications.DeliveryAttempt['outcome'],
    httpStatus: r.http_status === null ? null : Number(r.http_status),
    error: r.error === null ? null : String(r.error),
    durationMs: Number(r.duration_ms),
  }));
}

/**
 * Deletes finished deliveries older than `finishedMs` (with their attempts) and all but the
 * newest `attemptsPerTarget` attempts of each target; returns how many rows went. Pending
 * deliveries are never touched.
 *
 * @example
 * await prune(db, Date.now());
 */
export async function prune(db: Db, nowMs: number, keep: { attemptsPerTarget: number; finishedMs: number } = RETENTION): Promise<number> {
  const before = new Date(nowMs - keep.finishedMs).toISOString();
  return db.write(async (tx) => {
    const old = `SELECT id FROM deliveries WHERE status IN ('delivered', 'failed') AND updated_at < ?`;
    const a = await tx.execute(`DELETE FROM delivery_attempts WHERE delivery_id IN (${old})`, [before]);
    const d = await tx.execute(`DELETE FROM deliveries WHERE id IN (${old})`, [before]);
    const over = await tx.execute(
      `DELETE FROM delivery_attempts WHERE rowid IN (
         SELECT rowid FROM (
           SELECT rowid, row_number() OVER (PARTITION BY target_id ORDER BY at DESC, delivery_id DESC, attempt DESC) AS n
             FROM delivery_attempts)
          WHERE n > ?)`,
      [keep.attemptsPerTarget],
    );
    return a.rowsAffected + d.rowsAffected + over.rowsAffected;
  });
}

/**
 * Removes a target's deliveries and log; run it in the transaction that deletes the target
 * (a send already under way finishes, and its result is dropped).
 *
 * @example
 * await db.write(async (tx) => { await tx.execute('DELETE FROM targets WHERE id = ?', [id]); await forgetTargetDeliveries(tx, id); });
 */
export async function forgetTargetDeliveries(tx: Tx, targetId: string): Promise<void> {
  await tx.execute('DELETE FROM delivery_attempts WHERE target_id = ?', [targetId]);
  await tx.execute('DELETE FROM deliveries WHERE target_id = ?', [targetId]);
}
