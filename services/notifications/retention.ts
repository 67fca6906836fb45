/**
 * Retention: hourly (and once soon after start), notifications older than
 * `notifications.retention_days` are erased with their events, in bounded batches.
 */
import type { Logger } from '../../src/kit/index.ts';
import type { Deps } from './deps.ts';
import { eraseNotifications } from './store/inbox.ts';

const EVERY_MS = 3_600_000;
const BATCH = 5000;

/** Erases one pass of old notifications; returns how many went. */
export async function eraseOld(d: Deps): Promise<number> {
  const horizon = new Date(d.now() - d.settings.retentionMs).toISOString();
  let total = 0;
  for (;;) {
    const n = await d.db.write(async (tx) => {
      const [r] = (await tx.execute('SELECT max(seq) AS top FROM (SELECT seq FROM notifications WHERE created_at < ? ORDER BY seq LIMIT ?)', [horizon, BATCH])).rows;
      if (r?.top == null) return 0;
      const before = (await tx.execute('SELECT count(*) AS n FROM notifications WHERE seq <= ? AND created_at < ?', [Number(r.top), horizon])).rows[0]!;
      await eraseNotifications(tx, d.events, 'seq <= ? AND created_at < ?', [Number(r.top), horizon]);
      return Number(before.n);
    });
    total += n;
    if (n < BATCH) return total;
  }
}

/** Starts the hourly job; returns its stop function. */
export function startRetention(d: Deps, log: Logger): () => void {
  const run = () => void eraseOld(d).then((n) => n && log.info('old notifications erased', { count: n }), (err: unknown) => log.error('retention failed', { err }));
  const first = setTimeout(run, 5_000);
  const every = setInterval(run, EVERY_MS);
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
