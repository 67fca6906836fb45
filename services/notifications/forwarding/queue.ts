/**
 * The forwarder's side of the outbox. Every change to a pending delivery is a compare-and-
 * set on (`next_at`, `attempts`): a claim moves `next_at` to the end of a lease, and only
 * the holder of that lease can record the outcome — so two service instances sharing the
 * database never send one delivery at the same time, and a crashed sender's delivery is
 * picked up again when its lease runs out (at least once, never twice at once).
 */
import type { Db } from '../../../src/kit/index.ts';

/** A pending delivery as read when it fell due. */
export interface Due {
  id: number;
  targetId: string;
  message: string;
  attempts: number;
  /** `next_at` as read: the value a claim compares against. */
  nextAt: number;
}

/** A target as the forwarder sends to it. */
export interface TargetRow {
  id: string;
  kind: string;
  url: string;
  secret: string | null;
}

/** How an attempt ended, as written to the delivery and its log row. */
export interface Finish {
  status: 'pending' | 'delivered' | 'failed';
  outcome: 'delivered' | 'retrying' | 'failed';
  nextAt: number;
  at: string;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

/** Due pending deliveries, oldest due first, leaving out targets this process is busy with. */
export async function pickDue(db: Db, nowMs: number, limit: number, skipTargets: readonly string[]): Promise<Due[]> {
  const skip = skipTargets.length ? `AND target_id NOT IN (${skipTargets.map(() => '?').join(', ')})` : '';
  const rows = await db.query(
    `SELECT id, target_id, message, attempts, next_at FROM deliveries
      WHERE status = 'pending' AND next_at <= ? ${skip} ORDER BY next_at, id LIMIT ?`,
    [nowMs, ...skipTargets, limit],
  );
  return rows.map((r) => ({ id: Number(r.id), targetId: String(r.target_id), message: String(r.message), attempts: Number(r.attempts), nextAt: Number(r.next_at) }));
}

/** The targets with these ids that still exist. */
export async function loadTargets(db: Db, ids: readonly string[]): Promise<Map<string, TargetRow>> {
  if (!ids.length) return new Map();
  const rows = await db.query(`SELECT id, kind, url, secret FROM targets WHERE id IN (${ids.map(() => '?').join(', ')})`, [...ids]);
  return new Map(rows.map((r) => [String(r.id), { id: String(r.id), kind: String(r.kind), url: String(r.url), secret: r.secret === null ? null : String(r.secret) }]));
}

/** Takes a lease on `d` until `leaseUntil`; false when another instance got there first. */
export async function claim(db: Db, d: Due, leaseUntil: number): Promise<boolean> {
  const r = await db.write((tx) =>
    tx.execute("UPDATE deliveries SET next_at = ? WHERE id = ? AND status = 'pending' AND next_at = ? AND attempts = ?", [leaseUntil, d.id, d.nextAt, d.attempts]),
  );
  return r.rowsAffected === 1;
}

/**
 * Records one attempt of `d`, held at `heldAt` (its lease, or its due time for a delivery
 * that was never sent), and its log row; false when the hold was lost (the delivery was
 * taken over, or its target deleted) — then nothing is written.
 */
export async function finish(db: Db, d: Due, heldAt: number, f: Finish): Promise<boolean> {
  return db.write(async (tx) => {
    const r = await tx.execute(
      `UPDATE deliveries SET status = ?, attempts = attempts + 1, next_at = ?, updated_at = ?
        WHERE id = ? AND status = 'pending' AND next_at = ? AND attempts = ?`,
      [f.status, f.nextAt, f.at, d.id, heldAt, d.attempts],
    );
    if (r.rowsAffected !== 1) return false;
    await tx.execute(
      `INSERT INTO delivery_attempts (delivery_id, attempt, target_id, at, outcome, http_status, error, duration_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [d.id, d.attempts + 1, d.targetId, f.at, f.outcome, f.httpStatus, f.error, f.durationMs],
    );
    return true;
  });
}

/** Moves a target's due deliveries to `untilMs` without counting an attempt (its breaker is open). */
export async function deferTarget(db: Db, targetId: string, nowMs: number, untilMs: number): Promise<number> {
  const r = await db.write((tx) =>
    tx.execute("UPDATE deliveries SET next_at = ? WHERE target_id = ? AND status = 'pending' AND next_at <= ?", [untilMs, targetId, nowMs]),
  );
  return r.rowsAffected;
}
