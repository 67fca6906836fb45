/**
 * The fan-out: every committed group event moves its source's position (cursor.ts) and goes
 * to each open stream whose user may see it, judged against the gateway's read model at
 * delivery time; a personal event (a notification) goes to its user's streams only,
 * whatever their groups; a typing signal goes to the other members' streams and moves no
 * position. Nothing is kept: `Last-Event-ID` is replayed from the services' logs
 * (replay.ts). Streams register here once authenticated; `size` is what the metrics
 * count. A user holds at most `maxPerUser` streams: the one that goes over ends
 * the user's oldest (`too_many_streams`), so a leaking client cannot pile up sockets and
 * buffers while a user's newest tab or device always gets in.
 */
import type { Envelope, Logger } from '../../kit/index.ts';
import { epochTag, Positions } from './cursor.ts';
import { entryOf, type Entry } from './entry.ts';
import type { EndReason } from './protocol.ts';
import type { TypingSignal } from './typing.ts';
import { replay, type Replay, type ReplayLimits, type StreamLogs } from './replay.ts';
import { membershipChange, visibleLive } from './visibility.ts';
import { typingFrames, type TypingFrames } from './wire.ts';

/** An authenticated stream, as the hub sees it. */
export interface Subscriber {
  readonly userId: string;
  readonly sessionId: string;
  /** Groups the user was in as of the last event of each group (for deletions). */
  readonly known: Set<string>;
  /** Sends one event; the subscriber applies its own buffer bound. */
  deliver(entry: Entry): void;
  /** Sends a typing indicator, or drops it when the connection is behind (it is worth nothing late). */
  typing(frames: TypingFrames): void;
  /** Ends the stream (token expired, session revoked, shutdown). */
  end(reason: EndReason): void;
}

/** What a hub is given besides the read model. */
export interface HubOptions {
  log?: Logger;
  /** Streams one user may hold (default: no limit). */
  maxPerUser?: number;
  /** The source services' logs, for `Last-Event-ID` (absent: every resume is a reset). */
  logs?: StreamLogs;
  /** Bounds of one replay. */
  limits: ReplayLimits;
}

/** Subscribers and the positions their cursors are made of. */
export class Hub {
  readonly #subs = new Set<Subscriber>();
  readonly groupsOf: (userId: string) => string[];
  readonly log: Logger | undefined;
  /** How far each source has been handed to the streams. */
  readonly positions = new Positions();
  readonly #maxPerUser: number;
  readonly #o: HubOptions;

  constructor(groupsOf: (userId: string) => string[], o: HubOptions) {
    this.groupsOf = groupsOf;
    this.log = o.log;
    this.#maxPerUser = o.maxPerUser ?? Infinity;
    this.#o = o;
  }

  /** Open (authenticated) streams. */
  get size(): number {
    return this.#subs.size;
  }

  /** A snapshot of the open streams. */
  subscribers(): Subscriber[] {
    return [...this.#subs];
  }

  /**
   * Registers a stream and returns the user's groups (what `ready` says). From here on the
   * stream gets live events: one that resumes holds them until its replay is sent.
   */
  attach(sub: Subscriber): string[] {
    const groups = [...this.groupsOf(sub.userId)];
    sub.known.clear();
    for (const g of groups) sub.known.add(g);
    this.#subs.add(sub);
    this.#limit(sub.userId);
    return groups;
  }

  /**
   * What a stream attached with `groups` missed after `lastEventId`, read from the logs
   * (replay.ts); never rejects — a replay that fails is a reset.
   */
  async replay(userId: string, groups: readonly string[], lastEventId: string): Promise<Replay> {
    if (!this.#o.logs) return { reset: 'no logs to replay from' };
    const r = await replay(this.#o.logs, lastEventId, userId, groups, this.#o.limits, this.log).catch((err: unknown) => {
      this.log?.warn('stream replay failed; the client is reset', { err });
      return { reset: 'replay failed' } as const;
    });
    if ('reset' in r) this.log?.debug('stream resume is a reset', { userId, why: r.reset });
    return r;
  }

  // The set keeps attach order, so the first of the user's streams is the oldest.
  #limit(userId: string): void {
    const mine = [...this.#subs].filter((s) => s.userId === userId);
    for (const old of mine.slice(0, Math.max(0, mine.length - this.#maxPerUser))) {
      this.#subs.delete(old); // at once: ending may wait for the client, the count may not
      this.log?.info('stream ended: too many streams of one user', { userId, sessionId: old.sessionId, max: this.#maxPerUser });
      old.end('too_many_streams');
    }
  }

  /** Unregisters a stream (idempotent). */
  detach(sub: Subscriber): void {
    this.#subs.delete(sub);
  }

  /** Delivers a committed group event to whoever may see it (events of one source in their log's order). */
  publish(groupId: string, event: Envelope): void {
    if (this.#redelivered(event)) return;
    this.positions.advance(event);
    const entry = entryOf({ groupId }, event, this.positions.text());
    const memberships = new Map<string, boolean>();
    for (const sub of this.#subs) {
      try {
        let isMember = memberships.get(sub.userId);
        if (isMember === undefined) memberships.set(sub.userId, (isMember = this.groupsOf(sub.userId).includes(groupId)));
        const wasMember = sub.known.has(groupId);
        if (isMember) sub.known.add(groupId);
        else sub.known.delete(groupId);
        if (visibleLive(membershipChange(event, sub.userId), isMember, wasMember)) sub.deliver(entry);
      } catch (err) {
        // One stream's failure (read model, socket) must not keep the event from the others.
        this.log?.warn('stream delivery failed', { userId: sub.userId, eventId: event.id, err });
      }
    }
  }

  /** Delivers a personal event to its one recipient's streams. */
  publishPersonal(userId: string, event: Envelope): void {
    if (this.#redelivered(event)) return;
    this.positions.advance(event);
    const entry = entryOf({ userId }, event, this.positions.text());
    for (const sub of this.#subs) {
      if (sub.userId !== userId) continue;
      try {
        sub.deliver(entry);
      } catch (err) {
        this.log?.warn('stream delivery failed', { userId, eventId: event.id, err });
      }
    }
  }

  /** Delivers a typing signal to the streams of the group's members other than the typist. */
  typing(signal: TypingSignal): void {
    const frames = typingFrames(signal);
    const memberships = new Map<string, boolean>();
    for (const sub of this.#subs) {
      if (sub.userId === signal.userId) continue;
      try {
        let isMember = memberships.get(sub.userId);
        if (isMember === undefined) memberships.set(sub.userId, (isMember = this.groupsOf(sub.userId).includes(signal.groupId)));
        if (isMember) sub.typing(frames);
      } catch (err) {
        this.log?.warn('typing delivery failed', { userId: sub.userId, err });
      }
    }
  }

  // The outbox relay publishes at least once: an event published again (it carries its epoch,
  // as every live event does) is at or below its source's position. Events a consumer applied
  // from a log page carry none; the consumer hands each over once, in order.
  #redelivered(event: Envelope): boolean {
    if (event.epoch === undefined) return false;
    const p = this.positions.get(event.source);
    return p !== undefined && p.tag === epochTag(event.epoch) && event.seq <= p.seq;
  }
}
