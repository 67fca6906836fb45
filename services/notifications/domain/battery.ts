/**
 * Low battery, once per discharge — pure, no I/O. Per (group, member, phone) the rule
 * remembers the newest fix it judged and whether this discharge was told. A fix at or below
 * the group's threshold, not charging, tells once; charging (or full), or a level back at
 * the threshold plus `MARGIN`, re-arms it (so a phone hovering around 15 % tells once).
 */
import type { location } from '../../../src/contracts/index.ts';

/** What the rule remembers of one phone in one group. */
export interface BatteryMark {
  fixAt: string;
  /** This discharge was told (or the phone is low and was when the rule last looked). */
  low: boolean;
}

/** Points above the threshold a level must climb back to before another discharge can be told. */
export const MARGIN = 5;
/** A fix older than this when judged (a backlog flushed late) never tells: the level is history. */
export const RECENT_MS = 30 * 60_000;

/**
 * Judges one fix: the mark to keep, and whether to tell the group.
 *
 * @example
 * judgeBattery(undefined, { ...fix, battery: 12, batteryState: 'unplugged' }, 15, now); // { mark: { fixAt, low: true }, tell: true }
 */
export function judgeBattery(prev: BatteryMark | undefined, fix: location.Sample, threshold: number | null, nowMs: number): { mark: BatteryMark; tell: boolean } {
  const at = Date.parse(fix.fixAt);
  if (prev && at <= Date.parse(prev.fixAt)) return { mark: prev, tell: false }; // an older fix: history only
  const keep = (low: boolean) => ({ mark: { fixAt: fix.fixAt, low }, tell: false });
  const level = fix.battery;
  const charging = fix.batteryState === 'charging' || fix.batteryState === 'full';
  if (threshold === null || charging) return keep(false);
  if (level === null) return keep(prev?.low ?? false);
  if (level >= threshold + MARGIN) return keep(false);
  if (level > threshold) return keep(prev?.low ?? false);
  if (prev?.low) return keep(true);
  // Not told yet: only a recent fix tells; an old one leaves the rule armed for the next.
  if (nowMs - at > RECENT_MS) return keep(false);
  return { mark: { fixAt: fix.fixAt, low: true }, tell: true };
}
