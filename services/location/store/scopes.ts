/**
 * Scopes in the database: loading one (the snapshot kept by the scope projection, so no
 * command folds a long stream), recording decided events through the event log (each
 * stamped with the state it leads to), and folding a scope as it was at an instant.
 */
import type { EventLog, WriteTx } from '../../../src/kit/index.ts';
import { emptyScope, evolve, scopeStream, statusOf, type Rules, type Scope, type ScopeEvent } from '../domain/index.ts';
import type { Read } from './members.ts';
import type { FoldHandoff } from './fold-handoff.ts';
import { contractOf, recordedOf } from './scope-events.ts';

const parse = (state: unknown): Scope => JSON.parse(String(state));

/** Scopes, with the thresholds their fold needs. */
export class ScopeStore {
  readonly #rules: Rules;
  readonly #events: EventLog;
  readonly #handoff: FoldHandoff | undefined;
  /** The newest snapshot's seq of scopes this store loaded or recorded (what the projection would read). */
  readonly #snapshotSeq = new WeakMap<Scope, number>();

  /** With `handoff` (shared with the scope projection), `record` hands its folds over. */
  constructor(rules: Rules, events: EventLog, handoff?: FoldHandoff) {
    this.#rules = rules;
    this.#events = events;
    this.#handoff = handoff;
  }

  /** The scope as it is now (empty when the member never did anything in the group). */
  async load(read: Read, groupId: string, userId: string): Promise<Scope> {
    const [row] = await read('SELECT state, snapshot_seq FROM scopes WHERE group_id = ? AND user_id = ?', [groupId, userId]);
    const scope = row ? parse(row.state) : emptyScope(groupId, userId);
    this.#snapshotSeq.set(scope, row ? Number(row.snapshot_seq) : 0);
    return scope;
  }

  /** Every scope of a group, by member (one query for a group's view). */
  async loadGroup(read: Read, groupId: string): Promise<Map<string, Scope>> {
    const rows = await read('SELECT user_id, state FROM scopes WHERE group_id = ?', [groupId]);
    return new Map(rows.map((r) => [String(r.user_id), parse(r.state)]));
  }

  /**
   * Appends decided events (the scope projection applies them in the same transaction);
   * returns the scope they lead to. Each event is folded once, with the time the log stamps
   * on it (`tx.at`): the fold gives both the state the event carries and the next scope.
   */
  async record(tx: WriteTx, scope: Scope, events: readonly ScopeEvent[]): Promise<Scope> {
    let s = scope;
    let snapshotSeq = this.#snapshotSeq.get(scope);
    for (const e of events) {
      s = evolve(s, { ...e, at: tx.at }, this.#rules);
      const data = { groupId: s.groupId, userId: s.userId, state: statusOf(s), ...e.data };
      const append = () => tx.append(contractOf(e.type), data, { stream: scopeStream(s.groupId, s.userId) });
      if (!this.#handoff || snapshotSeq === undefined) {
        await append();
        continue;
      }
      const folded = { scope: s, snapshotSeq };
      snapshotSeq = (await this.#handoff.during(folded, append)) ? folded.snapshotSeq : undefined;
    }
    if (snapshotSeq !== undefined) this.#snapshotSeq.set(s, snapshotSeq);
    return s;
  }

  /** Time travel: the fold of the scope's events recorded by `at` (from the newest snapshot taken by then). */
  async at(read: Read, groupId: string, userId: string, at: string): Promise<Scope> {
    const [snap] = await read('SELECT seq, state FROM snapshots WHERE group_id = ? AND user_id = ? AND at <= ? ORDER BY seq DESC LIMIT 1', [groupId, userId, at]);
    let s = snap ? parse(snap.state) : emptyScope(groupId, userId);
    const events = await this.#events.readStream(scopeStream(groupId, userId), snap ? Number(snap.seq) : 0, at);
    for (const e of events) s = evolve(s, recordedOf(e), this.#rules);
    return s;
  }
}
