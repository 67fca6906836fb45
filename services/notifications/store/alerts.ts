/**
 * What the alert rules keep: each group's alert settings (no row: the defaults; a NULL
 * column: that alert off), the low-battery mark per (group, member, phone), and the
 * stopped-reporting watch per sharing (group, member) — its `deadline` is the timer's due
 * list (silence.ts), NULL once told or while the alert is off.
 */
import type { Tx } from '../../../src/kit/index.ts';
import { notifications } from '../../../src/contracts/index.ts';
import type { BatteryMark } from '../domain/battery.ts';

type Read = Pick<Tx, 'execute'>;
type Settings = Omit<notifications.GroupAlerts, 'groupId'>;

/** A group's alert settings (the defaults when it set none). */
export async function groupAlerts(q: Pick<Tx, 'query'>, groupId: string): Promise<notifications.GroupAlerts> {
  const [r] = await q.query('SELECT low_battery_percent, silence_minutes FROM group_alerts WHERE group_id = ?', [groupId]);
  if (!r) return { groupId, ...notifications.DEFAULT_GROUP_ALERTS };
  const num = (x: unknown) => (x == null ? null : Number(x));
  return { groupId, lowBatteryPercent: num(r.low_battery_percent), silenceMinutes: num(r.silence_minutes) };
}

/** Saves a group's settings and moves its silence deadlines to match. */
export async function saveGroupAlerts(tx: Read, groupId: string, s: Settings): Promise<void> {
  await tx.execute(
    `INSERT INTO group_alerts (group_id, low_battery_percent, silence_minutes) VALUES (?, ?, ?)
     ON CONFLICT (group_id) DO UPDATE SET low_battery_percent = excluded.low_battery_percent, silence_minutes = excluded.silence_minutes`,
    [groupId, s.lowBatteryPercent, s.silenceMinutes],
  );
  const ms = s.silenceMinutes === null ? null : s.silenceMinutes * 60_000;
  await tx.execute('UPDATE silence_watch SET deadline = CASE WHEN told = 0 AND ? IS NOT NULL THEN last_ms + ? ELSE NULL END WHERE group_id = ?', [ms, ms, groupId]);
}

/** The mark of one phone in one group (undefined: never judged). */
export async function batteryMark(tx: Read, groupId: string, userId: string, device: string): Promise<BatteryMark | undefined> {
  const [r] = (await tx.execute('SELECT fix_at, low FROM battery_marks WHERE group_id = ? AND user_id = ? AND device = ?', [groupId, userId, device])).rows;
  return r ? { fixAt: String(r.fix_at), low: Number(r.low) === 1 } : undefined;
}

/** Keeps the mark of one phone in one group. */
export async function saveBatteryMark(tx: Read, groupId: string, userId: string, device: string, m: BatteryMark): Promise<void> {
  await tx.execute(
    'INSERT INTO battery_marks (group_id, user_id, device, fix_at, low) VALUES (?, ?, ?, ?, ?) ON CONFLICT (group_id, user_id, device) DO UPDATE SET fix_at = excluded.fix_at, low = excluded.low',
    [groupId, userId, device, m.fixAt, m.low ? 1 : 0],
  );
}

/**
 * A report from a sharing member: their silence starts again (re-armed if it was told).
 * A report received before the one kept (events read again) changes nothing.
 */
export async function reported(tx: Read, groupId: string, userId: string, atMs: number, silenceMinutes: number | null): Promise<void> {
  const deadline = silenceMinutes === null ? null : atMs + silenceMinutes * 60_000;
  await tx.execute(
    `INSERT INTO silence_watch (group_id, user_id, last_ms, told, deadline) VALUES (?, ?, ?, 0, ?)
     ON CONFLICT (group_id, user_id) DO UPDATE SET last_ms = excluded.last_ms, told = 0, deadline = excluded.deadline WHERE excluded.last_ms > silence_watch.last_ms`,
    [groupId, userId, atMs, deadline],
  );
}

/** Stops watching a member's silence in a group (they paused sharing: silence is what they chose). */
export async function stopWatching(tx: Read, groupId: string, userId: string): Promise<void> {
  await tx.execute('DELETE FROM silence_watch WHERE group_id = ? AND user_id = ?', [groupId, userId]);
}

/** Forgets what the alert rules keep of a member in a group (sharing paused, left), or of the whole group. */
export async function forgetAlerts(tx: Read, where: { groupId?: string; userId?: string }): Promise<void> {
  const conds: string[] = [];
  const args: string[] = [];
  if (where.groupId) {
    conds.push('group_id = ?');
    args.push(where.groupId);
  }
  if (where.userId) {
    conds.push('user_id = ?');
    args.push(where.userId);
  }
  if (!conds.length) return;
  for (const t of ['battery_marks', 'silence_watch']) await tx.execute(`DELETE FROM ${t} WHERE ${conds.join(' AND ')}`, args);
  if (where.groupId && !where.userId) await tx.execute('DELETE FROM group_alerts WHERE group_id = ?', [where.groupId]);
}
