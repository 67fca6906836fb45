/**
 * Retention: hourly (and once soon after start), notifications older than
 * `notifications.retention_days` are erased with their events, in bounded batches.
 */
import type { Logger } from '../../src/kit/index.ts';
import type { Deps } from './deps.ts';
import { eraseNotifications } from './store/inbox.ts';

const EVERY_MS = 3_600_000;
const BATCH = 5000;

/** Erases old notifications, a batch per transaction; returns how many went. */
export async function eraseOld(d: Deps): Promise<number> {
  const horizon = new Date(d.now() - d.settings.retentionMs).toISOString();
  const batch = 'seq IN (SELECT seq FROM notifications WHERE created_at < ? ORDER BY seq LIMIT ?)';
  let total = 0;
  for (;;) {
    const n = await d.db.write((tx) => eraseNotifications(tx, d.events, batch, [horizon, BATCH]));
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
