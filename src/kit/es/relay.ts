/**
 * The outbox relay: publishes committed events on `evt.<service>.<type>`, in log order, and
 * records how far it got (`kit_relay.published`). It wakes when a commit appends events and
 * also polls, so it needs no signal to make progress; after a crash or restart it resumes
 * from the recorded position. The position is recorded at most once every
 * `positionEveryMs` (and at stop): each record is a commit, an fsync, and under a stream of
 * small commits (location's fixes) one per published batch doubled the service's fsyncs.
 * Delivery is at least once: what was published after the last record (at most that long's
 * worth) is published again after a crash, and consumers drop it by its seq (the gateway's
 * streams by its id). Only committed rows are ever read, so nothing uncommitted is published.
 */
import type { NatsConnection } from 'nats';
import { traceHeaders } from '../bus/index.ts';
import { encode } from '../codec.ts';
import type { Db } from '../db/index.ts';
import { kitSubjects } from '../envelope.ts';
import type { Logger } from '../log.ts';
import { backoffDelay, sleep } from '../retry.ts';
import type { EventLog } from './event-log.ts';

/** Relay settings. */
export interface RelayOptions {
  batch: number;
  /** The log's current epoch (es/epoch.ts), stamped on every event published; none: not stamped. */
  epoch?: string;
  pollMs?: number;
  flushTimeoutMs?: number;
  /** Least time between two records of the position (default 1000 ms). */
  positionEveryMs?: number;
}

/**
 * One service's relay.
 *
 * @example
 * const relay = new Relay(db, log, nc, logger, { batch: 256 });
 * await relay.start();
 * await relay.stop(); // publishes what is committed, then stops
 */
export class Relay {
  readonly #db: Db;
  readonly #events: EventLog;
  readonly #nc: NatsConnection;
  readonly #log: Logger;
  readonly #o: Required<Omit<RelayOptions, 'epoch'>> & Pick<RelayOptions, 'epoch'>;
  #published = 0;
  /** The position last recorded in the database, and when. */
  #recorded = 0;
  #recordedAt = 0;
  #head = 0;
  #wake: (() => void) | undefined;
  #running = false;
  #loop: Promise<void> | undefined;

  constructor(db: Db, events: EventLog, nc: NatsConnection, log: Logger, o: RelayOptions) {
    this.#db = db;
    this.#events = events;
    this.#nc = nc;
    this.#log = log;
    this.#o = { pollMs: 1000, flushTimeoutMs: 5000, positionEveryMs: 1000, ...o };
    events.onCommit((seq) => {
      this.#head = Math.max(this.#head, seq);
      this.#wake?.();
    });
  }

  /** The last seq known published to the broker. */
  get published(): number {
    return this.#published;
  }

  /** Loads the recorded position and starts publishing. */
  async start(): Promise<void> {
    const rows = await this.#db.query('SELECT published FROM kit_relay WHERE id = 1');
    this.#published = Number(rows[0]?.published ?? 0);
    this.#recorded = this.#published;
    this.#head = await this.#events.head();
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Publishes everything committed so far (up to `timeoutMs`), then stops the loop. */
  async stop(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.#head = Math.max(this.#head, await this.#events.head());
    while (this.#published < this.#head && Date.now() < deadline && !this.#nc.isClosed()) {
      this.#wake?.();
      await sleep(10);
    }
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    await this.#record().catch((err) => this.#log.warn('relay could not record its position at stop; the events after it go out again at next start', { err, recorded: this.#recorded }));
    if (this.#published < this.#head) {
      this.#log.warn('relay stopped with events not yet published; they go out at next start', {
        published: this.#published,
        head: this.#head,
      });
    }
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (this.#running) {
      try {
        const moved = await this.#publishBatch();
        const due = this.#recordedAt + this.#o.positionEveryMs - Date.now();
        if (this.#recorded < this.#published && due <= 0) await this.#record();
        failures = 0;
        // Idle with a position not yet recorded: wake when it is due.
        if (!moved) await this.#idle(this.#recorded < this.#published ? Math.max(due, 0) : this.#o.pollMs);
      } catch (err) {
        const delay = backoffDelay({ initialMs: 100, maxMs: 5000 }, failures++);
        this.#log.warn('relay could not publish; retrying', { err, retry_ms: delay, published: this.#published });
        await this.#idle(delay, true);
      }
    }
  }

  /** Publishes the next batch; returns false when there was nothing to publish. */
  async #publishBatch(): Promise<boolean> {
    const events = await this.#events.read(this.#published, this.#o.batch);
    if (events.length === 0) {
      this.#head = this.#published; // what lies beyond was erased before it went out
      return false;
    }
    for (const e of events) {
      this.#nc.publish(kitSubjects.event(e.source, e.type), encode(this.#o.epoch ? { ...e, epoch: this.#o.epoch } : e), {
        headers: traceHeaders({ correlationId: e.correlationId, causationId: e.id }),
      });
    }
    await withTimeout(this.#nc.flush(), this.#o.flushTimeoutMs); // the broker has them all
    const last = events[events.length - 1]!.seq;
    this.#published = last;
    this.#head = Math.max(this.#head, last);
    return true;
  }

  /** Records the published position (see `positionEveryMs`). */
  async #record(): Promise<void> {
    const seq = this.#published;
    if (seq <= this.#recorded) return;
    await this.#db.write((tx) => tx.execute('UPDATE kit_relay SET published = ? WHERE id = 1', [seq]));
    this.#recorded = seq;
    this.#recordedAt = Date.now();
  }

  /** Waits `ms` or until woken; returns at once while behind, unless `always` (after a failure). */
  #idle(ms: number, always = false): Promise<void> {
    if (!this.#running || (!always && this.#published < this.#head)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      this.#wake = done;
      function done() {
        clearTimeout(t);
        resolve();
      }
    }).finally(() => (this.#wake = undefined));
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: ReturnType<typeof setTimeout>;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => (t = setTimeout(() => reject(new Error(`broker did not confirm within ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(t));
}
