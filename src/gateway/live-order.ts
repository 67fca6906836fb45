/**
 * Live events of the services the gateway does not consume (location, chat, notifications)
 * in their log's order, without gaps. Core NATS may lose a message (a reconnect, a slow
 * subscriber) and two instances of a service may publish out of step; the stream's cursors
 * (stream/cursor.ts) say "handed over up to seq N", so an event lost live would be missed by
 * a resume too. So, per source: the next event in seq order is handed on at once, one
 * already handed on (published again) is dropped, and one after a gap waits while the gap
 * is read from the producer's log (`log.<source>.read`) and handed on first. Events that
 * come meanwhile queue behind it. A gap wider than `maxGap` (the gateway was away long) is
 * not filled: the events after it go on live and the log read is left to resumes, which
 * reset a client that far behind. A log that cannot be read leaves the gap (logged), as
 * before. A new epoch (a restored producer) starts the order again from its first event.
 * `catchUp` (every few seconds) reads what each log holds past the last event handed on: a
 * lost event that no later one reveals.
 */
import type { Envelope, Logger } from '../kit/index.ts';
import type { LogPage } from './stream/index.ts';

/** What a `LiveOrder` is given. */
export interface LiveOrderOptions {
  /** Reads a page of a source's log (events with seq > `after`). */
  read(source: string, after: number, limit: number): Promise<LogPage>;
  /** Hands an event on, in order. */
  deliver(event: Envelope): void;
  log?: Logger;
  /** Widest gap filled from the log (default 1000). */
  maxGap?: number;
}

interface Source {
  seq: number;
  epoch: string | undefined;
  /** Events waiting behind a gap being read; undefined while none is. */
  queue: Envelope[] | undefined;
}

/**
 * Orders live events per source.
 *
 * @example
 * const order = new LiveOrder({ read: (s, after, limit) => api.request(logReadOp(s), { after, limit }), deliver: (e) => feed.push(e) });
 * api.subscribe('evt.chat.>', (e) => order.push(e));
 */
export class LiveOrder {
  readonly #o: LiveOrderOptions;
  readonly #sources = new Map<string, Source>();
  readonly #maxGap: number;

  constructor(o: LiveOrderOptions) {
    this.#o = o;
    this.#maxGap = o.maxGap ?? 1000;
  }

  /** A live event. */
  push(event: Envelope): void {
    const s = this.#sources.get(event.source);
    if (s?.queue) return void s.queue.push(event);
    this.#take(event);
  }

  #take(event: Envelope): void {
    const s = this.#sources.get(event.source);
    // The first event of a source, or of a new epoch (or from a producer without epochs): it starts the order.
    if (!s || event.epoch === undefined || event.epoch !== s.epoch) {
      this.#sources.set(event.source, { seq: event.seq, epoch: event.epoch, queue: undefined });
      return this.#deliver(event);
    }
    if (event.seq <= s.seq) return; // handed on already (published again, or read from the log)
    const gap = event.seq - s.seq - 1;
    if (gap === 0 || gap > this.#maxGap) {
      if (gap > 0) this.#o.log?.warn('live events lost and too many to read from the log; resumes reset', { source: event.source, from: s.seq + 1, to: event.seq - 1 });
      s.seq = event.seq;
      return this.#deliver(event);
    }
    s.queue = [event];
    void this.#fill(event.source, s);
  }

  async #fill(source: string, s: Source): Promise<void> {
    const until = s.queue![0]!.seq;
    try {
      while (s.seq < until - 1) {
        const page = await this.#o.read(source, s.seq, until - 1 - s.seq);
        if (page.epochs?.at(-1)?.id !== s.epoch) break; // restored meanwhile: the queued events restart the order
        const events = page.events.filter((e) => e.seq > s.seq && e.seq < until);
        for (const e of events) {
          s.seq = e.seq;
          this.#deliver({ ...e, epoch: s.epoch });
        }
        if (events.length === 0) break; // erased: nothing to hand on
      }
    } catch (err) {
      this.#o.log?.warn('live events lost; the log could not be read to fill the gap', { source, after: s.seq, until, err });
    }
    // What could not be read is given up on: the event after the gap goes on.
    s.seq = Math.max(s.seq, until - 1);
    this.#release(source, s);
  }

  /**
   * Reads what each source's log holds past the last event handed on, and hands it on: the
   * newest events lost live (a gap is otherwise noticed only when the next event comes, which
   * a quiet group may not send for hours) — events published while this gateway was away from
   * the broker, say. At most `maxGap` per source; a source whose gap is being read is left alone.
   */
  async catchUp(): Promise<void> {
    await Promise.all([...this.#sources].filter(([, s]) => !s.queue).map(([source, s]) => this.#catchUpOne(source, s)));
  }

  async #catchUpOne(source: string, s: Source): Promise<void> {
    s.queue = []; // live events wait behind the read
    try {
      for (let handed = 0; handed < this.#maxGap; ) {
        const page = await this.#o.read(source, s.seq, Math.min(100, this.#maxGap - handed));
        if (page.epochs?.at(-1)?.id !== s.epoch) break; // restored: its next live event restarts the order
        const events = page.events.filter((e) => e.seq > s.seq);
        if (events.length === 0) break;
        for (const e of events) {
          s.seq = e.seq;
          this.#deliver({ ...e, epoch: s.epoch });
        }
        handed += events.length;
      }
    } catch (err) {
      this.#o.log?.debug('the log could not be read to catch up; tried again later', { source, after: s.seq, err });
    }
    this.#release(source, s);
  }

  /** Hands on the events that waited behind a read, in order (one may open another gap). */
  #release(source: string, s: Source): void {
    const queued = s.queue!;
    s.queue = undefined;
    for (let i = 0; i < queued.length; i++) {
      this.#take(queued[i]!);
      // Another gap: what is left queues behind it.
      const now = this.#sources.get(source)?.queue;
      if (now) return void now.push(...queued.slice(i + 1));
    }
  }

  #deliver(event: Envelope): void {
    try {
      this.#o.deliver(event);
    } catch (err) {
      this.#o.log?.warn('live event listener failed', { eventId: event.id, err });
    }
  }
}
