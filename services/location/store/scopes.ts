/**
 * Scopes in the database: loading one (the snapshot kept by the scope projection, so no
 * command folds a long stream), recording decided events through the event log (each
 * stamped with the state it leads to), and folding a scope as it was at an instant.
 */
import type { EventLog, WriteTx } from '../../../src/kit/index.ts';
import { emptyScope, evolve, scopeStream, statusOf, type Rules, type Scope, type ScopeEvent } from '../domain/index.ts';
import type { Read } from './members.ts';
import { contractOf, recordedOf } from './scope-events.ts';

const parse = (state: unknown): Scope => JSON.parse(String(state));

/** Scopes, with the thresholds their fold needs. */
export class ScopeStore {
  readonly #rules: Rules;
  readonly #events: EventLog;

  constructor(rules: Rules, events: EventLog) {
    this.#rules = rules;
    this.#events = events;
  }

  /** The scope as it is now (empty when the member never did anything in the group). */
  async load(read: Read, groupId: string, userId: string): Promise<Scope> {
    const [row] = await read('SELECT state FROM scopes WHERE group_id = ? AND user_id = ?', [groupId, userId]);
    return row ? parse(row.state) : emptyScope(groupId, userId);
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
    for (const e of events) {
      s = evolve(s, { ...e, at: tx.at }, this.#rules);
      await tx.append(contractOf(e.type), { groupId: s.groupId, userId: s.userId, state: statusOf(s), ...e.data }, { stream: scopeStream(s.groupId, s.userId) });
    }
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
