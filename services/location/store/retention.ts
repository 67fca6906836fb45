/**
 * Retention: fixes older than `location.retention_days` — their events, their rows in the
 * tracks, and the snapshots no past view can need any more — erased in bounded batches so
 * no transaction holds the write lock for long.
 */
import type { Db, EventLog } from '../../../src/kit/index.ts';

const ERASE_BATCH = 5000;

/**
 * Erases what was received before `horizonMs` (epoch ms); returns how many events went.
 *
 * @example
 * await eraseExpired(api.db, api.events, api.now() - settings.retentionMs);
 */
export async function eraseExpired(db: Db, events: EventLog, horizonMs: number): Promise<number> {
  const horizon = new Date(horizonMs).toISOString();
  let total = 0;
  for (;;) {
    const n = await db.write(async (tx) => {
      const gone = await events.erase(tx, { types: ['location.sampled'], before: horizon, limit: ERASE_BATCH });
      await tx.execute('DELETE FROM fixes WHERE rowid IN (SELECT rowid FROM fixes WHERE received_at < ? LIMIT ?)', [horizonMs, ERASE_BATCH]);
      return gone;
    });
    total += n;
    if (n < ERASE_BATCH) break;
  }
  await db.write((tx) =>
    tx.execute(
      `DELETE FROM snapshots WHERE at < ? AND seq < (SELECT max(s2.seq) FROM snapshots s2
         WHERE s2.group_id = snapshots.group_id AND s2.user_id = snapshots.user_id AND s2.at < ?)`,
      [horizon, horizon],
    ),
  );
  return total;
}
