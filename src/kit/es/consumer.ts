/**
 * Consuming another service's events. A consumer keeps a checkpoint (the last seq it
 * applied) per source in its own database, updated in the same transaction as the
 * handler's effects: an event delivered twice is seen as already applied and skipped, so
 * each effect happens once. Events are applied strictly in order; live events that gather
 * while a step runs (es/live-batch.ts, at most 256 or 1 MiB) are applied together, in one
 * transaction with one checkpoint read and store, as a page of the log is. When an event arrives
 * whose seq is not checkpoint + 1 (the consumer was down, or the broker dropped one), and
 * on start, and every `catchupMs` while idle, the consumer reads the producer's log
 * (`log.<source>.read`) from its checkpoint and applies what it missed, a page per
 * transaction. A page of the log is the truth: a hole in it is an erased event (retention,
 * erasure) and is stepped over; only a live event out of order sends the consumer to the log.
 *
 * At start a producer may not run yet (services start in any order): until it first answers
 * a log read, an unreachable producer (no responders, timeout, open circuit) is logged at
 * debug level only, for `graceMs`. A warning means something is really wrong: the producer
 * answered before and fails now, it is still away after the grace, or an event cannot be applied.
 *
 * After a restore (es/epoch.ts) the checkpoint may be ahead of the producer's log: every log
 * page carries the producer's epoch history, and the consumer reconciles its checkpoint with
 * it before it applies anything from the page. Until a first log read has done so after
 * start, and whenever a live event comes from an epoch it has not read in, a live event
 * only sends the consumer to the log: nothing is applied or dropped by seq alone.
 */
import type { NatsConnection, Subscription } from 'nats';
import { isInfrastructureFailure, type Requester } from '../bus/index.ts';
import { decode } from '../codec.ts';
import type { Operation } from '../contract.ts';
import type { Db, Tx } from '../db/index.ts';
import { EnvelopeSchema, kitSubjects, LOG_READ_MAX, LogReadReply, LogReadRequest, type Envelope, type EpochInfo } from '../envelope.ts';
import { check } from '../contract.ts';
import type { Logger } from '../log.ts';
import { backoffDelay } from '../retry.ts';
import { epochsText, parseEpochs, reconcile } from './epoch.ts';
import { LiveBatch } from './live-batch.ts';

/** What a consumer does with each event of its source, inside the checkpoint's transaction. */
export interface ConsumerSpec {
  /**
   * Applies one event; throwing rolls back and retries later (the source is held up until it succeeds).
   * Built by the kit from a service's typed `handlers: [on(…)]` (`api.consume` takes no other form).
   * `memo` is new for each transaction and shared by the events applied in it (a batch: `WriteTx.memo`).
   */
  apply(event: Envelope, tx: Tx, memo?: Map<string, unknown>): Promise<void>;
  /** Empties what this consumer built (for a rebuild). */
  reset?(tx: Tx): Promise<void>;
  /**
   * The event types `apply` wants (default: all). The others are stepped over without a
   * transaction of their own: the checkpoint moves past them in memory and is stored with
   * the next applied event, after `SAVE_EVERY` of them, when idle, or at stop — so a restart
   * may read a few of them again, and steps over them again.
   */
  types?: readonly string[];
}

/** Stepped-over events after which the checkpoint is stored anyway. */
const SAVE_EVERY = 1000;

/** A page of a producer's log (`log.<source>.read`). */
export interface LogPage {
  events: Envelope[];
  head: number;
  /** The producer's epoch history, current last (absent from producers older than epochs). */
  epochs?: EpochInfo[];
}

/** The log-read operation of a source service. */
export function logReadOp(source: string): Operation<{ after: number; limit?: number }, LogPage> {
  return {
    kind: 'query',
    service: source,
    name: 'log.read',
    subject: kitSubjects.logRead(source),
    version: 1,
    request: LogReadRequest,
    reply: LogReadReply,
    idempotent: true,
  } as Operation<{ after: number; limit?: number }, LogPage>;
}

/**
 * One source's consumer.
 *
 * @example
 * const c = new Consumer('users', spec, { db, nc, requester, log, catchupMs: 5000 });
 * await c.start();
 */
export class Consumer {
  readonly source: string;
  readonly #spec: ConsumerSpec;
  readonly #db: Db;
  readonly #nc: NatsConnection;
  readonly #req: Requester;
  readonly #log: Logger;
  readonly #catchupMs: number;
  readonly #now: () => number;
  readonly #graceMs: number;
  #startedAt = 0;
  /** The producer has answered a log read at least once. */
  #answered = false;
  #checkpoint = 0;
  #sub: Subscription | undefined;
  /** Live events received and not yet looked at, taken a batch per step. */
  readonly #live = new LiveBatch();
  #queue: Promise<void> = Promise.resolve();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastActivity = 0;
  /** A failed step asked for a catch-up after its backoff, idle or not. */
  #retryDue = false;
  #failures = 0;
  #stopped = false;
  readonly #wanted: ReadonlySet<string> | undefined;
  /** Events stepped over since the checkpoint was last stored. */
  #unsaved = 0;
  /** The producer's epoch history the checkpoint was read in, as stored (null: none stored). */
  #known: string | null = null;
  /** The producer's current epoch as last read. */
  #epoch: string | undefined;
  /** A log read since start has reconciled the checkpoint with the producer's epochs. */
  #reconciled = false;

  constructor(
    source: string,
    spec: ConsumerSpec,
    o: { db: Db; nc: NatsConnection; requester: Requester; log: Logger; catchupMs: number; now?: () => number; graceMs?: number },
  ) {
    this.source = source;
    this.#spec = spec;
    this.#db = o.db;
    this.#nc = o.nc;
    this.#req = o.requester;
    this.#log = o.log.child({ source });
    this.#catchupMs = o.catchupMs;
    this.#now = o.now ?? Date.now;
    this.#graceMs = o.graceMs ?? 120_000;
    this.#wanted = spec.types ? new Set(spec.types) : undefined;
  }

  /** The last seq applied. */
  get checkpoint(): number {
    return this.#checkpoint;
  }

  /** Loads the checkpoint, subscribes to live events, and catches up from the log. */
  async start(): Promise<void> {
    this.#startedAt = Date.now();
    const row = (await this.#db.query('SELECT seq, epochs FROM kit_checkpoints WHERE source = ?', [this.source]))[0];
    this.#checkpoint = Number(row?.seq ?? 0);
    this.#known = row?.epochs == null ? null : String(row.epochs);
    this.#sub = this.#nc.subscribe(`evt.${this.source}.>`, { callback: (_err, msg) => msg && this.#received(msg.data) });
    this.#enqueue(() => this.#catchUp());
    await this.#queue;
  }

  /** Stops: no new events; the one being applied finishes. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#sub?.drain().catch(() => undefined); // the connection may already be closed
    await this.#queue;
    this.#live.clear(); // not looked at: still in the producer's log, read from the checkpoint at the next start
    await this.#save().catch((err) => this.#log.warn('could not store the checkpoint at stop; events after it are read again', { err }));
  }

  #enqueue(step: () => Promise<void>): void {
    this.#queue = this.#queue.then(() => (this.#stopped ? undefined : step())).catch((err) => this.#failed(err));
    this.#lastActivity = Date.now();
    if (!this.#timer) this.#arm(this.#catchupMs);
  }

  /**
   * Arms the one catch-up timer. Live events only move `#lastActivity`; the timer, when it
   * fires, re-arms for the rest of the idle period, so a busy consumer sets no timer per event.
   */
  #arm(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => this.#tick(), ms);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  #tick(): void {
    this.#timer = undefined;
    const idle = Date.now() - this.#lastActivity;
    if (!this.#retryDue && idle < this.#catchupMs) return this.#arm(this.#catchupMs - idle);
    this.#retryDue = false;
    this.#enqueue(async () => {
      await this.#catchUp();
      await this.#save();
    });
  }

  #failed(err: unknown): void {
    if (this.#stopped) return; // stopping closed the connection under a catch-up; nothing to retry
    const delay = backoffDelay({ initialMs: 200, maxMs: 10_000 }, this.#failures++);
    const waiting = !this.#answered && isInfrastructureFailure(err) && Date.now() - this.#startedAt < this.#graceMs;
    if (waiting) this.#log.debug('waiting for the producer to answer', { err, checkpoint: this.#checkpoint, retry_ms: delay });
    else this.#log.warn('consumer could not apply events; retrying', { err, checkpoint: this.#checkpoint, retry_ms: delay });
    clearTimeout(this.#timer);
    this.#retryDue = true;
    this.#arm(Math.max(delay, 50));
  }

  /** A live event: one step takes all that gather until it runs (es/live-batch.ts). */
  #received(bytes: Uint8Array): void {
    if (this.#live.push(bytes)) this.#enqueue(() => this.#onLive());
    else this.#lastActivity = Date.now();
  }

  /**
   * Looks at a batch of live events, in seq order: the contiguous ones after the checkpoint
   * are applied in one transaction, duplicates dropped, and a gap (or an epoch not read in)
   * first applies what came before it, then sends the consumer to the log, as one event at a
   * time would. A handler that throws rolls the whole batch back; the retry reads it from the log.
   */
  async #onLive(): Promise<void> {
    const { batch, more } = this.#live.take();
    if (more) this.#enqueue(() => this.#onLive());
    let invalid: unknown;
    const events: Envelope[] = [];
    for (const bytes of batch) {
      try {
        const event = check(EnvelopeSchema, decode(bytes), 'kit.invalid_event', 'event envelope');
        if (event.source === this.source) events.push(event);
      } catch (err) {
        invalid ??= err; // the others are still applied; the step then fails as this event's would
      }
    }
    if (events.length) this.#answered = true; // the producer runs: it publishes
    // Stable: arrival order is kept between equal seqs (a seq compares only within one epoch,
    // and an event of another epoch goes to the log wherever it sits).
    if (events.length > 1) events.sort((a, b) => a.seq - b.seq);
    let run: Envelope[] = [];
    const flush = async () => {
      if (run.length) await this.#apply(run, false);
      run = [];
    };
    for (const event of events) {
      // Seqs compare only within one epoch: before the log has been read since start, or from a
      // producer that began a new epoch (restored), the log decides what is new.
      if (!this.#reconciled || (event.epoch !== undefined && event.epoch !== this.#epoch)) {
        await flush();
        await this.#catchUp();
        continue;
      }
      const last = run.at(-1)?.seq ?? this.#checkpoint;
      if (event.seq <= last) continue; // a duplicate
      if (event.seq === last + 1) {
        run.push(event);
        continue;
      }
      await flush();
      await this.#catchUp(); // a gap: something was missed
    }
    await flush();
    if (invalid) throw invalid;
  }

  /** Reads the producer's log from the checkpoint until it is exhausted. */
  async #catchUp(): Promise<void> {
    const started = this.#checkpoint;
    for (;;) {
      const before = this.#checkpoint;
      // Around the breaker: this loop has its own backoff, and a producer still starting must not
      // open the breaker that every other call to it (a user's request at the gateway) goes through.
      const page = await this.#req.request(logReadOp(this.source), { after: before, limit: LOG_READ_MAX }, { breaker: false });
      if (!this.#answered && this.#failures > 0) this.#log.debug('the producer answers', { checkpoint: before, head: page.head });
      this.#answered = true;
      if (await this.#reconcile(page)) continue; // moved back: read again from there
      if (page.events.length) await this.#apply(page.events, true);
      if (page.events.length && this.#checkpoint === before) {
        throw new Error(`${this.source}'s log answered events after ${before} that do not follow it`);
      }
      // Nothing left up to the head: the seqs in between were erased. Only a producer that sends
      // its epochs reads its head before the page (older ones read it after: an event may fall between).
      if (page.events.length === 0 && page.epochs && page.head > this.#checkpoint) this.#stepTo(page.head);
      // A page may be cut short to fit the broker's payload limit: go on until the head.
      if (page.events.length === 0 || this.#checkpoint >= page.head || this.#stopped) {
        if (this.#checkpoint > started + LOG_READ_MAX) this.#log.info('caught up', { from: started, to: this.#checkpoint });
        break;
      }
      this.#log.info('catching up', { checkpoint: this.#checkpoint, head: page.head });
    }
    this.#failures = 0;
  }

  /** Applies events after the checkpoint in one transaction with it; live ones only when contiguous. */
  async #apply(events: Envelope[], fromLog: boolean): Promise<void> {
    const wanted = this.#wanted;
    if (wanted && !events.some((e) => e.seq > this.#checkpoint && wanted.has(e.type))) return this.#stepOver(events, fromLog);
    const next = await this.#db.write(async (tx) => {
      const stored = await txCheckpoint(tx, this.source);
      if (stored.epochs !== this.#known) {
        this.#reconciled = false;
        throw new Error(`another instance reconciled the ${this.source} checkpoint with a restored producer; reading the log again`);
      }
      // The stored checkpoint is the truth if another instance moved it; this one's may be ahead by stepped-over events.
      let cp = Math.max(stored.seq, this.#checkpoint);
      const memo = new Map<string, unknown>(); // dropped with the transaction if it rolls back
      for (const e of events) {
        if (e.seq <= cp) continue;
        // A page from the log may step over erased events; a live event must follow on.
        if (!fromLog && e.seq !== cp + 1) break;
        if (!wanted || wanted.has(e.type)) await this.#spec.apply(e, tx, memo);
        cp = e.seq;
      }
      await storeCheckpoint(tx, this.source, cp, this.#now());
      return cp;
    });
    this.#checkpoint = next;
    this.#unsaved = 0;
    this.#failures = 0;
  }

  /**
   * Reconciles the checkpoint with the producer's epoch history and head (es/epoch.ts), in
   * one transaction with the stored one; returns whether it moved (the page is then stale).
   */
  async #reconcile(page: LogPage): Promise<boolean> {
    const theirs = page.epochs;
    const theirsText = theirs ? epochsText(theirs) : this.#known;
    this.#epoch = theirs?.at(-1)?.id;
    if (theirsText === this.#known && this.#checkpoint <= page.head) return (this.#reconciled = true), false;
    const old = this.#checkpoint;
    const moved = await this.#db.write(async (tx) => {
      const stored = await txCheckpoint(tx, this.source);
      // Read in the same history as this instance: its stepped-over events count; otherwise another instance reconciled first.
      const from = stored.epochs === this.#known ? Math.max(stored.seq, this.#checkpoint) : stored.seq;
      const known = stored.epochs === null ? undefined : (parseEpochs(stored.epochs) ?? []);
      const r = reconcile(from, known, theirs ?? known ?? [], page.head);
      await tx.execute(
        `INSERT INTO kit_checkpoints (source, seq, updated_at, epochs) VALUES (?, ?, ?, ?)
         ON CONFLICT (source) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at, epochs = excluded.epochs`,
        [this.source, r.checkpoint, new Date(this.#now()).toISOString(), theirsText],
      );
      return { ...r, from };
    });
    this.#checkpoint = moved.checkpoint;
    this.#known = theirsText;
    this.#unsaved = 0;
    this.#reconciled = true;
    if (moved.why) {
      this.#log.warn('checkpoint moved back to reconcile with the producer', { from: moved.from, to: moved.checkpoint, head: page.head, why: moved.why });
    } else if (theirsText !== null) this.#log.debug('producer epoch history read', { checkpoint: moved.checkpoint, epoch: this.#epoch });
    return moved.checkpoint !== old;
  }

  /** Moves past events `apply` does not want, without a transaction (see `ConsumerSpec.types`). */
  async #stepOver(events: Envelope[], fromLog: boolean): Promise<void> {
    let cp = this.#checkpoint;
    for (const e of events) {
      if (e.seq <= cp) continue;
      if (!fromLog && e.seq !== cp + 1) break;
      cp = e.seq;
      this.#unsaved++;
    }
    this.#checkpoint = cp;
    this.#failures = 0;
    if (this.#unsaved >= SAVE_EVERY) await this.#save();
  }

  /** Moves the checkpoint past erased seqs up to `seq`, stored like stepped-over events. */
  #stepTo(seq: number): void {
    this.#unsaved += seq - this.#checkpoint;
    this.#checkpoint = seq;
  }

  /** Stores a checkpoint that moved past stepped-over events only. */
  async #save(): Promise<void> {
    if (this.#unsaved === 0) return;
    const cp = this.#checkpoint;
    await this.#db.write((tx) => storeCheckpoint(tx, this.source, cp, this.#now()));
    this.#unsaved = 0;
  }
}

/** The stored checkpoint of `source` (0 when none). */
export async function readCheckpoint(db: Db, source: string): Promise<number> {
  const rows = await db.query('SELECT seq FROM kit_checkpoints WHERE source = ?', [source]);
  return Number(rows[0]?.seq ?? 0);
}

/** Stores a checkpoint; never moves a stored one back (another instance may be further on). */
async function storeCheckpoint(tx: Tx, source: string, seq: number, now: number): Promise<void> {
  await tx.execute(
    `INSERT INTO kit_checkpoints (source, seq, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (source) DO UPDATE SET seq = max(seq, excluded.seq), updated_at = excluded.updated_at`,
    [source, seq, new Date(now).toISOString()],
  );
}

async function txCheckpoint(tx: Tx, source: string): Promise<{ seq: number; epochs: string | null }> {
  const rs = await tx.execute('SELECT seq, epochs FROM kit_checkpoints WHERE source = ?', [source]);
  const row = rs.rows[0];
  return { seq: Number(row?.seq ?? 0), epochs: row?.epochs == null ? null : String(row.epochs) };
}
