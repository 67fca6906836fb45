/**
 * Time in the location service. The scope projection stores, per scope, the next moment
 * the passing of time could decide something (offline, late, stuck); `Timers` looks for due
 * scopes every `TICK_MS` and lets the domain decide, in a write transaction that re-reads
 * the scope — so deadlines survive restarts, and two instances ticking at once decide once.
 * Retention runs hourly: fixes, their events and old snapshots past `location.retention_days`
 * are erased in bounded batches.
 */
import type { Logger, ServiceApi } from '../../src/kit/index.ts';
import type { Deps } from './deps.ts';
import { decide } from './domain/index.ts';
import { inTx } from './store/members.ts';
import { loadCircles } from './store/places.ts';
import { eraseExpired } from './store/retention.ts';
import { eraseExpiredHeld } from './phones/store.ts';

/** How often due scopes are looked for. */
export const TICK_MS = 500;
const RETENTION_EVERY_MS = 3_600_000;
const DUE_BATCH = 200;

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
    const now = d.api.now();
    const rows = await d.db.query('SELECT group_id, user_id FROM scopes WHERE deadline <= ? ORDER BY deadline LIMIT ?', [now, DUE_BATCH]);
    for (const r of rows) {
      await d.api.write(async (tx) => {
        const read = inTx(tx);
        const scope = await d.scopes.load(read, String(r.group_id), String(r.user_id));
        const events = decide({ type: 'tick' }, scope, { now, rules: d.settings.rules, places: await loadCircles(read, scope.groupId) });
        if (events.length) await d.scopes.record(tx, scope, events);
        // Nothing due after all (a clock step, a stale row): park the row until its next real deadline.
        else await tx.execute('UPDATE scopes SET deadline = NULL WHERE group_id = ? AND user_id = ? AND deadline <= ?', [scope.groupId, scope.userId, now]);
      });
    }
    return rows.length;
  }

  /** Erases what is older than the retention window; returns how many events went. */
  async retention(): Promise<number> {
    const d = this.#d;
    const horizon = d.api.now() - d.settings.retentionMs;
    const total = await eraseExpired(d.db, d.api.events, horizon);
    await d.db.write((tx) => eraseExpiredHeld(tx, d.api.now() - d.settings.heldMs)); // phone messages held past location.phone_held_days
    if (total) this.#log.info('retention erased old fixes', { events: total, before: new Date(horizon).toISOString() });
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
