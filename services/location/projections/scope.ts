/**
 * The scope projection, kept inside the appending transaction: each scope's current fold
 * (with its state and the next moment a timer must look at it), every fix (the tracks,
 * unique per device and fix time), and snapshots for time travel — one at every event that
 * is not a fix and one every `SNAPSHOT_EVERY` fixes, so a past view never folds more than
 * that many events.
 */
import type { Envelope, ProjectionSpec, Tx } from '../../../src/kit/index.ts';
import type { location } from '../../../src/contracts/index.ts';
import { emptyScope, evolve, nextDeadline, statusOf, type RecordedEvent, type Rules, type Scope } from '../domain/index.ts';
import type { FoldHandoff, Folded } from '../store/fold-handoff.ts';
import { scopeHandlers, type ScopeData } from '../store/scope-events.ts';

/** Fixes between two snapshots of a scope. */
export const SNAPSHOT_EVERY = 100;

/** The projection of scope events; with `handoff`, it takes the command path's fold of an event instead of re-reading the scope. */
export function scopeProjection(rules: Rules, handoff?: FoldHandoff): ProjectionSpec {
  return {
    name: 'scopes',
    async reset(tx) {
      for (const t of ['scopes', 'fixes', 'snapshots']) await tx.execute(`DELETE FROM ${t}`);
    },
    handlers: scopeHandlers((e, env, tx) => project(tx, e, env, rules, handoff)),
  };
}

/** The scope after `e` and its newest snapshot's seq before it: handed over, or read and folded. */
async function fold(tx: Tx, e: RecordedEvent, groupId: string, userId: string, rules: Rules, handoff?: FoldHandoff): Promise<{ s: Scope; snapshotSeq: number; handed?: Folded }> {
  const handed = handoff?.take(groupId, userId);
  if (handed) return { s: handed.scope, snapshotSeq: handed.snapshotSeq, handed };
  const rs = await tx.execute('SELECT state, snapshot_seq FROM scopes WHERE group_id = ? AND user_id = ?', [groupId, userId]);
  const row = rs.rows[0];
  const before: Scope = row ? JSON.parse(String(row.state)) : emptyScope(groupId, userId);
  return { s: evolve(before, e, rules), snapshotSeq: row ? Number(row.snapshot_seq) : 0 };
}

async function project(tx: Tx, e: RecordedEvent, env: Envelope<ScopeData>, rules: Rules, handoff?: FoldHandoff): Promise<void> {
  const { groupId, userId } = env.data;
  const { s, snapshotSeq: before, handed } = await fold(tx, e, groupId, userId, rules, handoff);
  if (e.type === 'location.sampled') await insertFix(tx, groupId, userId, e.data.fix, env.seq);
  if (e.type === 'state.history_erased') {
    await tx.execute('DELETE FROM fixes WHERE group_id = ? AND user_id = ?', [groupId, userId]);
    await tx.execute('DELETE FROM snapshots WHERE group_id = ? AND user_id = ?', [groupId, userId]);
  }
  let snapshotSeq = before;
  if (e.type !== 'location.sampled' || env.seq - snapshotSeq >= SNAPSHOT_EVERY) {
    await tx.execute('INSERT OR REPLACE INTO snapshots (group_id, user_id, seq, at, state) VALUES (?, ?, ?, ?, ?)', [groupId, userId, env.seq, env.at, JSON.stringify(s)]);
    snapshotSeq = env.seq;
  }
  await tx.execute(
    `INSERT INTO scopes (group_id, user_id, state, status, sharing, deadline, seq, snapshot_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (group_id, user_id) DO UPDATE SET state = excluded.state, status = excluded.status, sharing = excluded.sharing,
       deadline = excluded.deadline, seq = excluded.seq, snapshot_seq = excluded.snapshot_seq`,
    [groupId, userId, JSON.stringify(s), statusOf(s), s.sharing ? 1 : 0, nextDeadline(s, rules), env.seq, snapshotSeq],
  );
  if (handed) handed.snapshotSeq = snapshotSeq;
}

async function insertFix(tx: Tx, groupId: string, userId: string, f: location.Sample, seq: number): Promise<void> {
  await tx.execute(
    `INSERT OR IGNORE INTO fixes (group_id, user_id, device, fix_at, received_at, lat, lon, accuracy, altitude, speed, course, battery, battery_state, seq)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [groupId, userId, f.device, Date.parse(f.fixAt), Date.parse(f.receivedAt), f.lat, f.lon, f.accuracy, f.altitude, f.speed, f.course, f.battery, f.batteryState, seq],
  );
}
