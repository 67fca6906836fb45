/**
 * Time in the location service. The scope projection stores, per scope, the next moment
 * the passing of time could decide something (offline, late, stuck); `Timers` looks for due
 * scopes every `TICK_MS` and lets the domain decide, in a write transaction that re-reads
 * the scope — so deadlines survive restarts, and two instances ticking at once decide once.
 * Retention runs hourly: fixes, their events and old snapshots past `location.retention_days`
 * are erased in bounded batches.
 */
import type { EventLog, Logger, ServiceApi } from '../../src/kit/index.ts';
import type { Deps } from './deps.ts';
import { decide } from './domain/index.ts';
import { inTx } from './store/members.ts';
import { loadCircles } from './store/places.ts';
import { writeTx } from './store/scopes.ts';

/** How often due scopes are looked for. */
export const TICK_MS = 500;
const RETENTION_EVERY_MS = 3_600_000;
const DUE_BATCH = 200;
const ERASE_BATCH = 5000;

/** The timer loop and the retention job. */
export class Timers {
  readonly #d: Deps;
  readonly #log: Logger;
  #tick: ReturnType<typeof setInterval> | undefined;
  #retention: ReturnType<typeof setInterval> | undefined;
  #firstRetention: ReturnType<typeof setTimeout> | undefined;
  #busy = false;

  constructor(d: Deps, api: ServiceApi) {
    this.#d = d;
    this.#log = api.log.child({ part: 'timers' });
  }

  /** Starts both loops (retention once soon, then hourly). */
  start(): void {
    this.#tick = setInterval(() => void this.#guard(() => this.due()), TICK_MS);
    this.#retention = setInterval(() => void this.#guard(() => this.retention()), RETENTION_EVERY_MS);
    this.#firstRetention = setTimeout(() => void this.#guard(() => this.retention()), 5_000);
  }

  /** Stops both loops. */
  stop(): void {
    clearInterval(this.#tick);
    clearInterval(this.#retention);
    clearTimeout(this.#firstRetention);
  }

  /** Decides for every scope whose deadline has passed; returns how many it looked at. */
  async due(): Promise<number> {
    const d = this.#d;
    const now = d.now();
    const rows = await d.db.query('SELECT group_id, user_id FROM scopes WHERE deadline <= ? ORDER BY deadline LIMIT ?', [now, DUE_BATCH]);
    for (const r of rows) {
      await d.db.write(async (tx) => {
        const read = inTx(tx);
        const scope = await d.scopes.load(read, String(r.group_id), String(r.user_id));
        const events = decide({ type: 'tick' }, scope, { now, rules: d.settings.rules, places: await loadCircles(read, scope.groupId) });
        if (events.length) await d.scopes.record(writeTx(tx, d.api.events), scope, events);
        // Nothing due after all (a clock step, a stale row): park the row until its next real deadline.
        else await tx.execute('UPDATE scopes SET deadline = NULL WHERE group_id = ? AND user_id = ? AND deadline <= ?', [scope.groupId, scope.userId, now]);
      });
    }
    return rows.length;
  }

  /** Erases what is older than the retention window; returns how many events went. */
  async retention(): Promise<number> {
    const d = this.#d;
    const horizonMs = d.now() - d.settings.retentionMs;
    const horizon = new Date(horizonMs).toISOString();
    const events: EventLog = d.api.events;
    let total = 0;
    for (;;) {
      const n = await d.db.write(async (tx) => {
        const gone = await events.erase(tx, { types: ['location.sampled'], before: horizon, limit: ERASE_BATCH });
        await tx.execute('DELETE FROM fixes WHERE rowid IN (SELECT rowid FROM fixes WHERE received_at < ? LIMIT ?)', [horizonMs, ERASE_BATCH]);
        return gone;
      });
      total += n;
      if (n < ERASE_BATCH) break;
    }
    await d.db.write((tx) =>
      tx.execute(
        `DELETE FROM snapshots WHERE at < ? AND seq < (SELECT max(s2.seq) FROM snapshots s2
           WHERE s2.group_id = snapshots.group_id AND s2.user_id = snapshots.user_id AND s2.at < ?)`,
        [horizon, horizon],
      ),
    );
    if (total) this.#log.info('retention erased old fixes', { events: total, before: horizon });
    return total;
  }

  async #guard(fn: () => Promise<unknown>): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      await fn();
    } catch (err) {
      this.#log.warn('timer work failed; trying again next tick', { err });
    } finally {
      this.#busy = false;
    }
  }
}
