/**
 * The stopped-reporting timer. The location consumer keeps, per sharing (group, member), the
 * last report and the moment silence is due (`silence_watch.deadline`, store/alerts.ts).
 * Every `TICK_MS` the due rows are looked for and each is told in a write transaction that
 * re-reads it — so deadlines survive restarts, and two instances ticking at once tell once.
 * The inbox rows are keyed on (group, member, last report): even a crash between telling
 * and marking told, or a row read twice, makes no second notification. After a start,
 * pending silences wait `STARTUP_GRACE_MS` (an outage is not the phones' silence).
 */
import type { Logger, ServiceApi } from '../../src/kit/index.ts';
import type { Deps } from './deps.ts';
import { silenceDrafts } from './domain/alerts.ts';
import { groupAlerts } from './store/alerts.ts';
import { groupView } from './store/groups.ts';
import { notify } from './store/inbox.ts';

/** How often due silences are looked for. */
export const TICK_MS = 1000;
const DUE_BATCH = 200;

/** Tells every silence that is due; returns how many rows it looked at. */
export async function tellSilences(d: Deps, api: Pick<ServiceApi, 'write'>): Promise<number> {
  const now = d.now();
  const rows = await d.db.query('SELECT group_id, user_id FROM silence_watch WHERE deadline <= ? ORDER BY deadline LIMIT ?', [now, DUE_BATCH]);
  for (const r of rows) {
    const groupId = String(r.group_id);
    const userId = String(r.user_id);
    await api.write(async (tx) => {
      const [w] = (await tx.execute('SELECT last_ms, deadline FROM silence_watch WHERE group_id = ? AND user_id = ? AND deadline <= ?', [groupId, userId, now])).rows;
      if (!w) return; // told by another instance, or a report came in meanwhile
      const minutes = (await groupAlerts(tx, groupId)).silenceMinutes;
      await tx.execute('UPDATE silence_watch SET told = 1, deadline = NULL WHERE group_id = ? AND user_id = ?', [groupId, userId]);
      if (minutes === null) return;
      const lastAt = new Date(Number(w.last_ms)).toISOString();
      const cause = { id: `silence:${groupId}:${userId}:${lastAt}`, at: new Date(now).toISOString() };
      const drafts = silenceDrafts(userId, minutes, await groupView(tx, groupId));
      if ((await notify(tx, cause, drafts, now)) > 0) tx.afterCommit(d.kick);
    });
  }
  return rows.length;
}

/**
 * After a start, no silence is told for this long. When the whole appliance was down, the
 * phones could not report either: silences that "ran out" meanwhile are the outage's, and
 * the phones flush what they queued once Hearth answers again (OwnTracks on Android reports
 * at least every 15 minutes by default). A phone still silent after it is told then.
 */
export const STARTUP_GRACE_MS = 15 * 60_000;

/** Holds back every pending silence until `STARTUP_GRACE_MS` after now (see there). */
export async function graceAfterStart(d: Deps, api: Pick<ServiceApi, 'write'>): Promise<void> {
  await api.write((tx) => tx.execute('UPDATE silence_watch SET deadline = max(deadline, ?) WHERE deadline IS NOT NULL', [d.now() + STARTUP_GRACE_MS]));
}

/** Starts the timer (after the start's grace: graceAfterStart); returns its stop function. */
export function startSilenceTimer(d: Deps, api: Pick<ServiceApi, 'write'>, log: Logger): () => void {
  let busy = false;
  const every = setInterval(() => {
    if (busy) return;
    busy = true;
    tellSilences(d, api)
      .catch((err: unknown) => log.warn('silence timer failed; trying again next tick', { err }))
      .finally(() => (busy = false));
  }, TICK_MS);
  return () => clearInterval(every);
}
