/**
 * The saga tables (kit migration 4) as rows: reading a saga, writing its changes, and the
 * views the query operations answer with. Every change the driver makes goes through here,
 * inside the transaction that decides it.
 */
import type { Row } from '@libsql/client';
import { decode, encode } from '../codec.ts';
import type { Db, Tx } from '../db/index.ts';

/** The states of a saga: two active, three final. */
export const SagaState = { Running: 'running', Compensating: 'compensating', Completed: 'completed', Failed: 'failed', Cancelled: 'cancelled' } as const;
export type SagaState = (typeof SagaState)[keyof typeof SagaState];

/** The states of a step that has begun. */
export type StepStatus = 'running' | 'done' | 'failed' | 'compensating' | 'compensated';

/** An error as the saga keeps it. */
export interface SagaError {
  code: string;
  message: string;
}

/** One saga as stored. */
export interface SagaRow {
  id: string;
  type: string;
  key: string | null;
  input: unknown;
  state: SagaState;
  /** The step running (forward) or being compensated (backward); -1 once compensation passed the first. */
  step: number;
  results: Record<string, unknown>;
  cursor: string | null;
  nextAt: number;
  deadlineAt: number | null;
  waitingFor: string | null;
  lastError: SagaError | null;
  cancelled: boolean;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

/** One step that has begun. */
export interface StepRow {
  position: number;
  name: string;
  status: StepStatus;
  attempts: number;
  undoAttempts: number;
  pages: number;
  /** Whether an attempt may have reached the participant (anything but `kit.no_responders`). */
  reached: boolean;
  since: number;
  lastError: SagaError | null;
  startedAt: string;
  doneAt: string | null;
}

const json = (v: unknown): SagaError | null => (typeof v === 'string' ? (JSON.parse(v) as SagaError) : null);
const blob = (v: unknown): unknown => decode(new Uint8Array(v as ArrayBuffer));

function sagaOf(r: Row): SagaRow {
  return {
    id: String(r.id),
    type: String(r.type),
    key: r.key === null ? null : String(r.key),
    input: blob(r.input),
    state: String(r.state) as SagaState,
    step: Number(r.step),
    results: blob(r.results) as Record<string, unknown>,
    cursor: r.cursor === null ? null : String(r.cursor),
    nextAt: Number(r.next_at),
    deadlineAt: r.deadline_at === null ? null : Number(r.deadline_at),
    waitingFor: r.waiting_for === null ? null : String(r.waiting_for),
    lastError: json(r.last_error),
    cancelled: Number(r.cancelled) === 1,
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
    finishedAt: r.finished_at === null ? null : String(r.finished_at),
  };
}

function stepOf(r: Row): StepRow {
  return {
    position: Number(r.position),
    name: String(r.name),
    status: String(r.status) as StepStatus,
    attempts: Number(r.attempts),
    undoAttempts: Number(r.undo_attempts),
    pages: Number(r.pages),
    reached: Number(r.reached) === 1,
    since: Number(r.since),
    lastError: json(r.last_error),
    startedAt: String(r.started_at),
    doneAt: r.done_at === null ? null : String(r.done_at),
  };
}

/** Writes a new saga. */
export async function insertSaga(tx: Tx, s: Pick<SagaRow, 'id' | 'type' | 'key' | 'input' | 'nextAt' | 'deadlineAt' | 'createdAt'>): Promise<void> {
  await tx.execute(
    `INSERT INTO kit_sagas (id, type, key, input, state, step, results, next_at, deadline_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'running', 0, ?, ?, ?, ?, ?)`,
    [s.id, s.type, s.key, encode(s.input), encode({}), s.nextAt, s.deadlineAt, s.createdAt, s.createdAt],
  );
}

/** One saga, or undefined. */
export async function loadSaga(db: Db | Tx, id: string): Promise<SagaRow | undefined> {
  const [r] = await db.query('SELECT * FROM kit_sagas WHERE id = ?', [id]);
  return r ? sagaOf(r) : undefined;
}

/** The unfinished saga of `type` under `key`, if any. */
export async function activeByKey(tx: Tx, type: string, key: string): Promise<SagaRow | undefined> {
  const [r] = await tx.query("SELECT * FROM kit_sagas WHERE type = ? AND key = ? AND state IN ('running', 'compensating')", [type, key]);
  return r ? sagaOf(r) : undefined;
}

/** Changes the columns named in `patch` (and `updated_at`). */
export async function updateSaga(tx: Tx, id: string, at: string, patch: Partial<Pick<SagaRow, 'state' | 'step' | 'results' | 'cursor' | 'nextAt' | 'waitingFor' | 'lastError' | 'cancelled' | 'finishedAt'>>): Promise<void> {
  const cols: string[] = ['updated_at = ?'];
  const args: (string | number | null | Uint8Array)[] = [at];
  const set = (col: string, value: string | number | null | Uint8Array) => (cols.push(`${col} = ?`), args.push(value));
  if (patch.state !== undefined) set('state', patch.state);
  if (patch.step !== undefined) set('step', patch.step);
  if (patch.results !== undefined) set('results', encode(patch.results));
  if (patch.cursor !== undefined) set('cursor', patch.cursor);
  if (patch.nextAt !== undefined) set('next_at', patch.nextAt);
  if (patch.waitingFor !== undefined) set('waiting_for', patch.waitingFor);
  if (patch.lastError !== undefined) set('last_error', patch.lastError && JSON.stringify(patch.lastError));
  if (patch.cancelled !== undefined) set('cancelled', patch.cancelled ? 1 : 0);
  if (patch.finishedAt !== undefined) set('finished_at', patch.finishedAt);
  await tx.execute(`UPDATE kit_sagas SET ${cols.join(', ')} WHERE id = ?`, [...args, id]);
}

/** The saga's steps that have begun, in order. */
export async function loadSteps(db: Db | Tx, id: string): Promise<StepRow[]> {
  return (await db.query('SELECT * FROM kit_saga_steps WHERE saga_id = ? ORDER BY position', [id])).map(stepOf);
}

/** One step's row, or undefined when it has not begun. */
export async function loadStep(tx: Tx, id: string, position: number): Promise<StepRow | undefined> {
  const [r] = await tx.query('SELECT * FROM kit_saga_steps WHERE saga_id = ? AND position = ?', [id, position]);
  return r ? stepOf(r) : undefined;
}

/** Begins a step (attempts 0, progress clock `since` now). */
export async function beginStep(tx: Tx, id: string, position: number, name: string, now: number, at: string): Promise<StepRow> {
  await tx.execute("INSERT INTO kit_saga_steps (saga_id, position, name, status, since, started_at) VALUES (?, ?, ?, 'running', ?, ?)", [id, position, name, now, at]);
  return (await loadStep(tx, id, position))!;
}

/** Changes a step's row. */
export async function updateStep(tx: Tx, id: string, position: number, patch: Partial<Pick<StepRow, 'status' | 'attempts' | 'undoAttempts' | 'pages' | 'reached' | 'since' | 'lastError' | 'doneAt'>>): Promise<void> {
  const cols: string[] = [];
  const args: (string | number | null)[] = [];
  const set = (col: string, value: string | number | null) => (cols.push(`${col} = ?`), args.push(value));
  if (patch.status !== undefined) set('status', patch.status);
  if (patch.attempts !== undefined) set('attempts', patch.attempts);
  if (patch.undoAttempts !== undefined) set('undo_attempts', patch.undoAttempts);
  if (patch.pages !== undefined) set('pages', patch.pages);
  if (patch.reached !== undefined) set('reached', patch.reached ? 1 : 0);
  if (patch.since !== undefined) set('since', patch.since);
  if (patch.lastError !== undefined) set('last_error', patch.lastError && JSON.stringify(patch.lastError));
  if (patch.doneAt !== undefined) set('done_at', patch.doneAt);
  if (cols.length) await tx.execute(`UPDATE kit_saga_steps SET ${cols.join(', ')} WHERE saga_id = ? AND position = ?`, [...args, id, position]);
}

/** Ids of the active sagas due by `now`, soonest first. */
export async function dueSagas(db: Db, now: number, limit: number): Promise<string[]> {
  const rows = await db.query("SELECT id FROM kit_sagas WHERE state IN ('running', 'compensating') AND next_at <= ? ORDER BY next_at LIMIT ?", [now, limit]);
  return rows.map((r) => String(r.id));
}

/** When the next active saga is due (epoch ms), or undefined when none is active. */
export async function nextDue(db: Db): Promise<number | undefined> {
  const [r] = await db.query("SELECT min(next_at) AS at FROM kit_sagas WHERE state IN ('running', 'compensating')");
  return r?.at === null || r?.at === undefined ? undefined : Number(r.at);
}

/** Sagas matching a filter, newest first, `before` an id (ids are UUIDv7: time-ordered). */
export async function listSagas(db: Db, f: { state?: string; type?: string; key?: string; before?: string; limit: number }): Promise<SagaRow[]> {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (f.state) where.push('state = ?'), args.push(f.state);
  if (f.type) where.push('type = ?'), args.push(f.type);
  if (f.key) where.push('key = ?'), args.push(f.key);
  if (f.before) where.push('id < ?'), args.push(f.before);
  const sql = `SELECT * FROM kit_sagas ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
  return (await db.query(sql, [...args, f.limit])).map(sagaOf);
}
