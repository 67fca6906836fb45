/**
 * Where phone commands wait (tables of location migration 4). A command is queued per user,
 * not per phone; each phone the user posts from is remembered with the id of the last
 * command it took, so every phone of the user gets each command once, and a phone that never
 * posted before gets what is still fresh with its first post. These rows are not a
 * projection of the event log: a rebuild keeps them, and nothing is lost if it did not
 * (a command only hurries a phone along).
 */
import type { Tx } from '../../../src/kit/index.ts';
import type { location } from '../../../src/contracts/index.ts';
import { ACTIONS, LOCATE_WINDOW_MS, type PendingCommand } from './commands.ts';

/** The schema (location migration 4). */
export const PHONE_COMMANDS_SQL = `
CREATE TABLE phone_devices (
  user_id TEXT NOT NULL,
  device TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  taken_up_to INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, device)
);
CREATE TABLE phone_commands (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL,
  action TEXT NOT NULL,
  group_id TEXT,
  body TEXT NOT NULL,
  asked_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX phone_commands_user ON phone_commands (user_id, id);
CREATE INDEX phone_commands_asker ON phone_commands (asked_by, user_id, created_at);
CREATE INDEX phone_commands_expiry ON phone_commands (expires_at);
`;

/** A last-seen time is rewritten at most this often (a post every few seconds should not always write). */
export const SEEN_EVERY_MS = 60 * 60_000;

type Exec = Pick<Tx, 'execute'>;

/** Queues a command for `userId`'s phones. */
export async function queueCommand(tx: Exec, c: { userId: string; action: string; groupId: string | null; body: location.PhoneCommand; askedBy: string; now: number; ttlMs: number }): Promise<void> {
  await tx.execute('DELETE FROM phone_commands WHERE expires_at <= ?', [c.now]);
  // A newer push of a group's places carries them all: the older one is never needed again.
  if (c.action === ACTIONS.setWaypoints) await tx.execute('DELETE FROM phone_commands WHERE user_id = ? AND action = ? AND group_id IS ?', [c.userId, c.action, c.groupId]);
  await tx.execute('INSERT INTO phone_commands (user_id, action, group_id, body, asked_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    c.userId,
    c.action,
    c.groupId,
    JSON.stringify(c.body),
    c.askedBy,
    c.now,
    c.now + c.ttlMs,
  ]);
}

/** How many "locate now" `askerId` made for `userId` within the window, and when the oldest of them leaves it. */
export async function recentLocates(tx: Exec, askerId: string, userId: string, now: number): Promise<{ count: number; oldest: number | null }> {
  const r = await tx.execute('SELECT count(*) AS n, min(created_at) AS oldest FROM phone_commands WHERE asked_by = ? AND user_id = ? AND action = ? AND created_at > ?', [
    askerId,
    userId,
    ACTIONS.reportLocation,
    now - LOCATE_WINDOW_MS,
  ]);
  const row = r.rows[0];
  return { count: Number(row?.n ?? 0), oldest: row?.oldest == null ? null : Number(row.oldest) };
}

/** How many phones of the user Hearth knows. */
export async function knownDevices(tx: Exec, userId: string): Promise<number> {
  const r = await tx.execute('SELECT count(*) AS n FROM phone_devices WHERE user_id = ?', [userId]);
  return Number(r.rows[0]?.n ?? 0);
}

/**
 * The fresh commands `device` has not taken yet (oldest first), marking them all taken.
 * A `setWaypoints` of a group the user has since left is not handed out.
 */
export async function takeCommands(tx: Exec, userId: string, device: string, now: number): Promise<PendingCommand[]> {
  const seen = (await tx.execute('SELECT taken_up_to, last_seen FROM phone_devices WHERE user_id = ? AND device = ?', [userId, device])).rows[0];
  const after = seen ? Number(seen.taken_up_to) : 0;
  const rows = (
    await tx.execute(
      `SELECT c.id, c.action, c.group_id, c.body, c.expires_at FROM phone_commands c WHERE c.user_id = ? AND c.id > ?
       AND (c.group_id IS NULL OR EXISTS (SELECT 1 FROM members m WHERE m.group_id = c.group_id AND m.user_id = c.user_id)) ORDER BY c.id`,
      [userId, after],
    )
  ).rows;
  const [last] = (await tx.execute('SELECT max(id) AS id FROM phone_commands WHERE user_id = ?', [userId])).rows;
  const upTo = Math.max(after, Number(last?.id ?? 0));
  if (!seen) {
    await tx.execute('INSERT INTO phone_devices (user_id, device, first_seen, last_seen, taken_up_to) VALUES (?, ?, ?, ?, ?)', [userId, device, now, now, upTo]);
  } else if (upTo !== after || now - Number(seen.last_seen) >= SEEN_EVERY_MS) {
    await tx.execute('UPDATE phone_devices SET taken_up_to = ?, last_seen = ? WHERE user_id = ? AND device = ?', [upTo, now, userId, device]);
  }
  return rows
    .filter((r) => Number(r.expires_at) > now)
    .map((r) => ({ id: Number(r.id), action: String(r.action), groupId: r.group_id == null ? null : String(r.group_id), body: JSON.parse(String(r.body)) as location.PhoneCommand }));
}

/** Forgets a deleted account's phones, the commands waiting for them and those it asked for. */
export async function forgetPhonesOf(tx: Exec, userId: string): Promise<void> {
  await tx.execute('DELETE FROM phone_commands WHERE user_id = ? OR asked_by = ?', [userId, userId]);
  await tx.execute('DELETE FROM phone_devices WHERE user_id = ?', [userId]);
}

/** Drops what waits for phones from a deleted group (its places). */
export async function forgetGroupCommands(tx: Exec, groupId: string): Promise<void> {
  await tx.execute('DELETE FROM phone_commands WHERE group_id = ?', [groupId]);
}
