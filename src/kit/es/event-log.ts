/**
 * The event log of one service, which is also its transactional outbox: `append` writes
 * the event in the caller's transaction, so the event exists exactly when the state change
 * does. Each event gets the next sequence number of this service's log (1, 2, 3 … with no
 * gaps, since appends are serialised by the database's write transaction) and a UUIDv7 id.
 * Inline projections registered here run in the same transaction.
 */
import type { Row } from '@libsql/client';
import { decode, encode } from '../codec.ts';
import { check, type EventType } from '../contract.ts';
import type { Db, Tx } from '../db/index.ts';
import type { Envelope } from '../envelope.ts';
import { uuidv7 } from '../ids.ts';
import { markChecked } from './checked.ts';

/** Bytes an envelope adds around its strings and data in MessagePack (keys, headers, numbers), rounded up. */
const ENVELOPE_OVERHEAD = 160;

/** Trace and stream of an appended event. */
export interface AppendMeta {
  stream?: string;
  correlationId?: string;
  causationId?: string;
  /** When the event is recorded (ISO): a `WriteTx` gives its transaction's time; default the clock now. */
  at?: string;
}

/**
 * Which events `erase` removes: every field given must hold (AND); at least one is needed.
 *
 * @example
 * { streamPrefix: `scope:${groupId}:`, types: [location.Sampled], before: horizonIso, limit: 500 }
 */
export interface EraseFilter {
  /** Exactly this stream. */
  stream?: string;
  /** Streams starting with this text (matched literally: `%` and `_` are not wildcards). */
  streamPrefix?: string;
  /** Only these types (names such as `location.sampled`, or the contract's EventTypes). */
  types?: readonly (string | EventType<unknown>)[];
  /** Only events stamped before this ISO time (as `toISOString` writes it). */
  before?: string;
  /** Only these seqs. */
  seqs?: readonly number[];
  /** Only events with seq > this (`{ afterSeq: 0 }`: all of them). */
  afterSeq?: number;
  /** At most this many, oldest first (for bounded batches). */
  limit?: number;
}

/** Seqs named in one statement at most (SQLite's variable limit is far above). */
const SEQS_PER_STATEMENT = 500;

/** A projection kept in step with the service's own log, inside the appending transaction. */
export interface InlineProjection {
  name: string;
  /** Empties the projection's tables (for a rebuild). */
  reset(tx: Tx): Promise<void>;
  /**
   * Applies one event in the appending transaction.
   * Built by the kit from a service's typed `handlers: [on(…)]` (`api.project` takes no other form).
   */
  apply(event: Envelope, tx: Tx): Promise<void>;
}

/**
 * One service's log.
 *
 * @example
 * await db.write(async (tx) => {
 *   await tx.execute('INSERT INTO notes (id, text) VALUES (?, ?)', [id, text]);
 *   await log.append(tx, NoteAdded, { id, text }, { correlationId });
 * });
 */
export class EventLog {
  readonly service: string;
  readonly #db: Db;
  readonly #projections: InlineProjection[] = [];
  readonly #listeners: ((seq: number) => void)[] = [];

  readonly #now: () => number;

  /** `now` is the clock that stamps each event's `at` (default `Date.now`). */
  constructor(db: Db, service: string, o: { now?: () => number } = {}) {
    this.#db = db;
    this.service = service;
    this.#now = o.now ?? Date.now;
  }

  /** The clock that stamps events' `at` (epoch ms). */
  now(): number {
    return this.#now();
  }

  /** Adds an inline projection (applied to every event appended from now on). */
  project(p: InlineProjection): void {
    this.#projections.push(p);
  }

  /** The inline projections, for a rebuild. */
  get projections(): readonly InlineProjection[] {
    return this.#projections;
  }

  /** Calls `fn` with the new head after each commit that appended events (the relay's wake-up). */
  onCommit(fn: (seq: number) => void): void {
    this.#listeners.push(fn);
  }

  /** Appends an event inside `tx`; returns its envelope. */
  async append<D>(tx: Tx, type: EventType<D>, data: D, meta: AppendMeta = {}): Promise<Envelope<D>> {
    if (type.service !== this.service) throw new Error(`${this.service} cannot append ${type.subject}: not its event`);
    const checked = check(type.data, data, 'kit.invalid_event', `${type.subject} event`);
    const env: Omit<Envelope<D>, 'seq'> = {
      id: uuidv7(),
      type: type.type,
      version: type.version,
      at: meta.at ?? new Date(this.#now()).toISOString(),
      source: this.service,
      stream: meta.stream ?? '',
      correlationId: meta.correlationId ?? '',
      causationId: meta.causationId ?? '',
      data: checked,
    };
    const rs = await tx.execute(
      `INSERT INTO kit_events (seq, id, type, version, at, stream, correlation_id, causation_id, data)
       VALUES (max((SELECT coalesce(max(seq), 0) FROM kit_events), (SELECT seq FROM kit_floor WHERE id = 1)) + 1, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
      [env.id, env.type, env.version, env.at, env.stream, env.correlationId, env.causationId, encode(checked)],
    );
    const full: Envelope<D> = { ...env, seq: Number(rs.rows[0]!.seq) };
    markChecked(full, type.data);
    for (const p of this.#projections) await p.apply(full, tx);
    tx.afterCommit(() => this.#listeners.forEach((fn) => fn(full.seq)));
    return full;
  }

  /** Committed events with seq > after, oldest first (read inside `tx` when given). */
  async read(after: number, limit: number, tx?: Tx): Promise<Envelope[]> {
    const sql = 'SELECT * FROM kit_events WHERE seq > ? ORDER BY seq LIMIT ?';
    const rows = tx ? (await tx.execute(sql, [after, limit])).rows : await this.#db.query(sql, [after, limit]);
    return rows.map((r) => this.#envelope(r));
  }

  /**
   * Like `read`, but stops before the page's encoded size would pass `maxBytes` (always at
   * least one event). Sizes come from the stored rows — the data blob is already MessagePack
   * — plus a generous allowance for the envelope's keys, so nothing is encoded twice.
   */
  async readPage(after: number, limit: number, maxBytes: number): Promise<Envelope[]> {
    const rows = await this.#db.query('SELECT *, length(data) AS data_bytes FROM kit_events WHERE seq > ? ORDER BY seq LIMIT ?', [after, limit]);
    const page: Envelope[] = [];
    let used = 0;
    for (const r of rows) {
      const e = this.#envelope(r);
      used += ENVELOPE_OVERHEAD + Number(r.data_bytes) + e.id.length + e.type.length + e.at.length + e.source.length;
      used += e.stream.length + e.correlationId.length + e.causationId.length;
      if (used > maxBytes && page.length > 0) break;
      page.push(e);
    }
    return page;
  }

  /**
   * Committed events of one stream, oldest first (for folding an event-sourced aggregate);
   * with `until` (an ISO time as `toISOString` writes it), only those appended by then.
   */
  async readStream(stream: string, after = 0, until?: string): Promise<Envelope[]> {
    const rows = until === undefined
      ? await this.#db.query('SELECT * FROM kit_events WHERE stream = ? AND seq > ? ORDER BY seq', [stream, after])
      : await this.#db.query('SELECT * FROM kit_events WHERE stream = ? AND seq > ? AND at <= ? ORDER BY seq', [stream, after, until]);
    return rows.map((r) => this.#envelope(r));
  }

  /**
   * Erases the events `filter` matches inside `tx` (retention, a user's right to erasure);
   * returns how many. The log then has holes: readers take its pages as the truth, and the
   * floor keeps each erased seq from being handed out again.
   *
   * @example
   * await events.erase(tx, { stream: `chat:${groupId}` });
   * await events.erase(tx, { types: [location.Sampled], before: horizon, limit: 500 });
   */
  async erase(tx: Tx, filter: EraseFilter): Promise<number> {
    if (filter.seqs && filter.seqs.length > SEQS_PER_STATEMENT) {
      let n = 0;
      for (let i = 0; i < filter.seqs.length; i += SEQS_PER_STATEMENT) n += await this.erase(tx, { ...filter, seqs: filter.seqs.slice(i, i + SEQS_PER_STATEMENT) });
      return n;
    }
    const { where, args } = eraseCondition(filter);
    await tx.execute('UPDATE kit_floor SET seq = max(seq, (SELECT coalesce(max(seq), 0) FROM kit_events)) WHERE id = 1');
    const sql = filter.limit === undefined
      ? `DELETE FROM kit_events WHERE ${where}`
      : `DELETE FROM kit_events WHERE seq IN (SELECT seq FROM kit_events WHERE ${where} ORDER BY seq LIMIT ?)`;
    const rs = await tx.execute(sql, filter.limit === undefined ? args : [...args, filter.limit]);
    return rs.rowsAffected;
  }

  /**
   * Replaces the data of the event `seq` (same type and version: the caller keeps it valid
   * against its contract), for anonymising a person in events that must stay (a message
   * others still read, the group a deleted owner created). Consumers that read it already
   * keep what they made of it; a rebuild reads the new data. Returns false when there is no such event.
   *
   * @example
   * await events.redact(tx, e.seq, { ...e.data, ownerName: 'Deleted account' });
   */
  async redact(tx: Tx, seq: number, data: unknown): Promise<boolean> {
    const rs = await tx.execute('UPDATE kit_events SET data = ? WHERE seq = ?', [encode(data), seq]);
    return rs.rowsAffected === 1;
  }

  /**
   * The events of `types` (names), oldest first, `limit` at a time after `afterSeq`, read in
   * `tx` (for a participant that searches its own log for a person's traces).
   *
   * @example
   * for (let after = 0, page; (page = await events.scan(tx, ['chat.message.sent'], after)).length; after = page.at(-1)!.seq) …
   */
  async scan(tx: Tx, types: readonly string[], afterSeq: number, limit = 500, stream?: string): Promise<Envelope[]> {
    const marks = types.map(() => '?').join(', ');
    const rs = await tx.execute(
      `SELECT * FROM kit_events WHERE seq > ? AND type IN (${marks})${stream === undefined ? '' : ' AND stream = ?'} ORDER BY seq LIMIT ?`,
      [afterSeq, ...types, ...(stream === undefined ? [] : [stream]), limit],
    );
    return rs.rows.map((r) => this.#envelope(r as Row));
  }

  /** The last seq handed out (0 for a log never written), erased or not. */
  async head(): Promise<number> {
    const rows = await this.#db.query('SELECT max((SELECT coalesce(max(seq), 0) FROM kit_events), (SELECT seq FROM kit_floor WHERE id = 1)) AS head');
    return Number(rows[0]!.head);
  }

  #envelope(r: Row): Envelope {
    return {
      id: String(r.id),
      type: String(r.type),
      version: Number(r.version),
      seq: Number(r.seq),
      at: String(r.at),
      source: this.service,
      stream: String(r.stream),
      correlationId: String(r.correlation_id),
      causationId: String(r.causation_id),
      data: decode(new Uint8Array(r.data as ArrayBuffer)),
    };
  }
}

/** The SQL condition of an erase filter, every value bound as an argument. */
export function eraseCondition(f: EraseFilter): { where: string; args: (string | number)[] } {
  const parts: string[] = [];
  const args: (string | number)[] = [];
  if (f.stream !== undefined) parts.push('stream = ?'), args.push(f.stream);
  if (f.streamPrefix !== undefined) parts.push("stream LIKE ? ESCAPE '\\'"), args.push(`${f.streamPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (f.types !== undefined) {
    const names = f.types.map((t) => (typeof t === 'string' ? t : t.type));
    parts.push(names.length ? `type IN (${names.map(() => '?').join(', ')})` : '0');
    args.push(...names);
  }
  if (f.before !== undefined) parts.push('at < ?'), args.push(f.before);
  if (f.seqs !== undefined) {
    parts.push(f.seqs.length ? `seq IN (${f.seqs.map(() => '?').join(', ')})` : '0');
    args.push(...f.seqs);
  }
  if (f.afterSeq !== undefined) parts.push('seq > ?'), args.push(f.afterSeq);
  if (parts.length === 0) throw new Error('erase needs a filter (`{ afterSeq: 0 }` erases every event)');
  return { where: parts.join(' AND '), args };
}
