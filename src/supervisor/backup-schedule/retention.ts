/**
 * Which scheduled backups to keep (pure: dates in, names out). After each backup the
 * schedule removes the rest. The rules, each on its own, and a backup kept by any of them stays:
 *   - `daily`: the newest backup of each of the `daily` most recent days that have one;
 *   - `weekly`: the same per ISO week (Monday to Sunday);
 *   - `monthly`: the same per calendar month.
 * "Most recent days that have one", not "the last N calendar days": a Hearth switched off
 * for two weeks keeps its dailies from before (as borg and restic count). Days, weeks and
 * months are local time, like `backup.schedule`. The newest good backup is always kept,
 * whatever the rules say (all zero included). A failed backup is removed once it is older
 * than `failedKeepMs` (a day), long enough for the owner to see it in the list.
 */
import type { NameInfo } from './names.ts';

/** `backup.keep`. */
export interface KeepPolicy {
  daily: number;
  weekly: number;
  monthly: number;
}

/** What to do with each backup. */
export interface RetentionPlan {
  keep: string[];
  remove: string[];
}

/** How long a failed backup stays listed. */
export const FAILED_KEEP_MS = 24 * 3600_000;

const pad = (n: number) => String(n).padStart(2, '0');

/** The local day, `2026-12-02`. */
export const dayOf = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** The local month, `2026-12`. */
export const monthOf = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}`;

/** The ISO 8601 week of the local date, `2026-W49` (its year is the year its Thursday falls in). */
export function isoWeekOf(d: Date): string {
  // Work on the local calendar date as a UTC date, so no time zone or DST moves it.
  const t = new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()));
  const weekday = t.getUTCDay() || 7; // Monday 1 … Sunday 7
  t.setUTCDate(t.getUTCDate() + 4 - weekday); // the Thursday of this week
  const year = t.getUTCFullYear();
  const week = Math.ceil(((t.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${pad(week)}`;
}

/**
 * Sorts `backups` into those to keep and those to remove.
 *
 * @example
 * retention(backups, { daily: 7, weekly: 4, monthly: 6 }, new Date());
 * // { keep: ['hearth-20261202T033000Z.tar', …], remove: ['hearth-20261020T033000Z.tar', …] }
 */
export function retention(backups: readonly NameInfo[], keep: KeepPolicy, now: Date, failedKeepMs = FAILED_KEEP_MS): RetentionPlan {
  const good = backups.filter((b) => !b.failed).sort((a, b) => b.at.getTime() - a.at.getTime());
  const kept = new Set<string>();
  if (good[0]) kept.add(good[0].name);
  for (const [count, periodOf] of [[keep.daily, dayOf], [keep.weekly, isoWeekOf], [keep.monthly, monthOf]] as const) {
    const periods = new Set<string>();
    for (const b of good) {
      if (periods.size >= count) break;
      const p = periodOf(b.at);
      if (periods.has(p)) continue; // an older backup of a period already kept
      periods.add(p);
      kept.add(b.name);
    }
  }
  for (const b of backups) if (b.failed && now.getTime() - b.at.getTime() < failedKeepMs) kept.add(b.name);
  return {
    keep: backups.filter((b) => kept.has(b.name)).map((b) => b.name),
    remove: backups.filter((b) => !kept.has(b.name)).map((b) => b.name),
  };
}
