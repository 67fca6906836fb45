/**
 * Scopes in the database: loading one (the snapshot kept by the scope projection, so no
 * command folds a long stream), recording decided events through the event log (each
 * stamped with the state it leads to), and folding a scope as it was at an instant.
 */
import type { EventLog, EventType, Tx, WriteTx } from '../../../src/kit/index.ts';
import { location } from '../../../src/contracts/index.ts';
import { emptyScope, evolve, scopeStream, statusOf, type RecordedEvent, type Rules, type Scope, type ScopeEvent } from '../domain/index.ts';
import type { Read } from './members.ts';

/** Event type → its contract (for appending). */
const BY_TYPE: Record<string, EventType<any>> = Object.fromEntries(Object.values(location.scopeEvents).map((t) => [t.type, t]));
/** The scope event types. */
export const SCOPE_TYPES: ReadonlySet<string> = new Set(Object.keys(BY_TYPE));

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
    return row ? (JSON.parse(String(row.state)) as Scope) : emptyScope(groupId, userId);
  }

  /** Every scope of a group, by member (one query for a group's view). */
  async loadGroup(read: Read, groupId: string): Promise<Map<string, Scope>> {
    const rows = await read('SELECT user_id, state FROM scopes WHERE group_id = ?', [groupId]);
    return new Map(rows.map((r) => [String(r.user_id), JSON.parse(String(r.state)) as Scope]));
  }

  /** Appends decided events (the scope projection applies them in the same transaction); returns the scope they lead to. */
  async record(tx: WriteTx, scope: Scope, events: readonly ScopeEvent[]): Promise<Scope> {
    let s = scope;
    for (const e of events) {
      // The state a scope is in does not depend on when; the scope itself does (startedAt, sos.at), so it is folded with the stored time.
      const state = statusOf(evolve(s, { ...e, at: new Date().toISOString() } as RecordedEvent, this.#rules));
      const env = await tx.append(BY_TYPE[e.type]!, { groupId: s.groupId, userId: s.userId, state, ...e.data }, { stream: scopeStream(s.groupId, s.userId) });
      s = evolve(s, { ...e, at: env.at } as RecordedEvent, this.#rules);
    }
    return s;
  }

  /** Time travel: the fold of the scope's events recorded by `at` (from the newest snapshot taken by then). */
  async at(read: Read, groupId: string, userId: string, at: string): Promise<Scope> {
    const [snap] = await read('SELECT seq, state FROM snapshots WHERE group_id = ? AND user_id = ? AND at <= ? ORDER BY seq DESC LIMIT 1', [groupId, userId, at]);
    let s = snap ? (JSON.parse(String(snap.state)) as Scope) : emptyScope(groupId, userId);
    const events = await this.#events.readStream(scopeStream(groupId, userId), snap ? Number(snap.seq) : 0, at);
    for (const e of events) s = evolve(s, { type: e.type, data: e.data, at: e.at } as RecordedEvent, this.#rules);
    return s;
  }
}

/** A write transaction for work outside any request (timers): appends go to the log untraced. */
export function writeTx(tx: Tx, events: EventLog): WriteTx {
  return { ...tx, append: (type, data, meta) => events.append(tx, type, data, meta) };
}
