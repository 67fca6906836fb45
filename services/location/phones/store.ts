/**
 * A member's phones, as the location service keeps them: the secret their OwnTracks app
 * encrypts with (`phone_keys`) and the encrypted messages Hearth could not read yet
 * (`phone_held`). Neither is a projection of the event log — a secret must never enter
 * the log, which is replicated and backed up with every event — so `hearth rebuild
 * location` keeps both tables as they are.
 */
import type { Db, Tx } from '../../../src/kit/index.ts';
import type { location } from '../../../src/contracts/index.ts';

/** Reads go through a transaction or straight to the database (both have `query`). */
type Reader = Pick<Db, 'query'> | Pick<Tx, 'query'>;
const rows = async (r: Reader, sql: string, args: (string | number | null)[]) => (await r.query(sql, args)) as unknown as Record<string, unknown>[];

/** The user's secret (`null`: none) and whether they were told their phone is unreadable since it was last set. */
export async function keyOf(r: Reader, userId: string): Promise<{ key: string | null; told: boolean }> {
  const [row] = await rows(r, 'SELECT secret, unreadable_told FROM phone_keys WHERE user_id = ?', [userId]);
  return { key: row?.secret == null ? null : String(row.secret), told: Number(row?.unreadable_told ?? 0) === 1 };
}

/** Sets or removes the secret; either way the user may be told again. */
export async function setKey(tx: Tx, userId: string, key: string | null, now: number): Promise<void> {
  await tx.execute(
    `INSERT INTO phone_keys (user_id, secret, set_at, unreadable_told) VALUES (?, ?, ?, 0)
     ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, set_at = excluded.set_at, unreadable_told = 0`,
    [userId, key, now],
  );
}

/** Marks the user told; false when they had been already. */
export async function markTold(tx: Tx, userId: string, now: number): Promise<boolean> {
  const rs = await tx.execute(
    `INSERT INTO phone_keys (user_id, secret, set_at, unreadable_told) VALUES (?, NULL, ?, 1)
     ON CONFLICT (user_id) DO UPDATE SET unreadable_told = 1 WHERE phone_keys.unreadable_told = 0`,
    [userId, now],
  );
  return rs.rowsAffected === 1;
}

/** How many messages the user has held (at or after `since`, epoch ms). */
export async function heldCount(r: Reader, userId: string, since: number): Promise<number> {
  const [row] = await rows(r, 'SELECT count(*) AS n FROM phone_held WHERE user_id = ? AND held_at >= ?', [userId, since]);
  return Number(row?.n ?? 0);
}

/** Keeps one message. */
export async function hold(tx: Tx, m: { id: string; userId: string; device: string; data: string; at: number }): Promise<void> {
  await tx.execute('INSERT INTO phone_held (id, user_id, device, data, held_at) VALUES (?, ?, ?, ?, ?)', [m.id, m.userId, m.device, m.data, m.at]);
}

/** The user's held messages after `after`, oldest first, at most `limit` of them and about `maxBytes` of data (at least one). */
export async function listHeld(r: Reader, userId: string, since: number, after: string | undefined, limit: number, maxBytes: number): Promise<location.HeldMessage[]> {
  const found = await rows(r, 'SELECT id, device, data, held_at FROM phone_held WHERE user_id = ? AND held_at >= ? AND id > ? ORDER BY id LIMIT ?', [userId, since, after ?? '', limit]);
  const page: location.HeldMessage[] = [];
  let bytes = 0;
  for (const r of found) {
    const data = String(r.data);
    bytes += data.length;
    if (page.length > 0 && bytes > maxBytes) break; // the rest on the next page
    page.push({ id: String(r.id), device: String(r.device), data, heldAt: new Date(Number(r.held_at)).toISOString() });
  }
  return page;
}

/** Forgets the given held messages of the user; returns how many went. */
export async function release(tx: Tx, userId: string, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const rs = await tx.execute(`DELETE FROM phone_held WHERE user_id = ? AND id IN (${ids.map(() => '?').join(', ')})`, [userId, ...ids]);
  return rs.rowsAffected;
}

/** Erases messages held before `horizonMs` (everyone's, or one user's); returns how many went. */
export async function eraseExpiredHeld(tx: Tx, horizonMs: number, userId?: string): Promise<number> {
  const rs = userId === undefined
    ? await tx.execute('DELETE FROM phone_held WHERE held_at < ?', [horizonMs])
    : await tx.execute('DELETE FROM phone_held WHERE user_id = ? AND held_at < ?', [userId, horizonMs]);
  return rs.rowsAffected;
}

/** Erases everything kept about a user's phones (their account is deleted). */
export async function erasePhones(tx: Tx, userId: string): Promise<void> {
  await tx.execute('DELETE FROM phone_held WHERE user_id = ?', [userId]);
  await tx.execute('DELETE FROM phone_keys WHERE user_id = ?', [userId]);
}
