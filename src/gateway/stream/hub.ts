/**
 * The fan-out: every committed group event goes into the replay buffer and then to each
 * open stream whose user may see it, judged against the gateway's read model at delivery
 * time; a personal event (a notification) goes into its user's own ring and to that user's
 * streams only, whatever their groups; a typing signal goes to the other members' streams
 * and is never buffered. Streams register here once authenticated; `size` is what the
 * metrics count. A user holds at most `maxPerUser` streams: the one that goes over ends
 * the user's oldest (`too_many_streams`), so a leaking client cannot pile up sockets and
 * buffers while a user's newest tab or device always gets in.
 */
import type { Envelope, Logger } from '../../kit/index.ts';
import { isGroupEntry, ReplayBuffer, type Entry } from './replay-buffer.ts';
import type { EndReason } from './protocol.ts';
import type { TypingSignal } from './typing.ts';
import { membershipChange, visibleLive, visibleReplay } from './visibility.ts';
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

/** What a stream sends first: the user's groups, then the replay or a reset. */
export interface Attached {
  groups: string[];
  replay: Entry[] | 'reset' | undefined;
}

/** Subscribers plus the replay buffer. */
export class Hub {
  readonly #subs = new Set<Subscriber>();
  readonly #buffer: ReplayBuffer;
  readonly groupsOf: (userId: string) => string[];
  readonly log: Logger | undefined;

  readonly #maxPerUser: number;

  constructor(groupsOf: (userId: string) => string[], perGroup: number, log?: Logger, maxPerUser = Infinity) {
    this.groupsOf = groupsOf;
    this.log = log;
    this.#buffer = new ReplayBuffer(perGroup);
    this.#maxPerUser = maxPerUser;
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
   * Registers a stream and says what to send it first. Synchronous, so no event can slip
   * between the replay and the first live event.
   */
  attach(sub: Subscriber, lastEventId?: string): Attached {
    const groups = [...this.groupsOf(sub.userId)];
    sub.known.clear();
    for (const g of groups) sub.known.add(g);
    const replay = lastEventId ? this.#replay(sub.userId, groups, lastEventId) : undefined;
    this.#subs.add(sub);
    this.#limit(sub.userId);
    return { groups, replay };
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

  /** Buffers a committed group event and delivers it to whoever may see it. */
  publish(groupId: string, event: Envelope): void {
    const entry = this.#buffer.add({ groupId }, event);
    if (!entry) return; // already buffered and delivered: a redelivery
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

  /** Buffers a personal event and delivers it to its one recipient's streams. */
  publishPersonal(userId: string, event: Envelope): void {
    const entry = this.#buffer.add({ userId }, event);
    if (!entry) return; // a redelivery
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

  // A replay longer than one connection's bound is a reset too: sent at once it would be
  // the burst the bound exists to prevent, and refetching is cheaper for the client anyway.
  #replay(userId: string, groups: string[], lastEventId: string): Entry[] | 'reset' {
    const ord = this.#buffer.ordOf(lastEventId);
    if (ord === undefined) return 'reset';
    if (this.#buffer.lostAfter({ userId }, ord)) return 'reset';
    const window = this.#buffer.after(ord, userId);
    // Group entries are judged by membership; personal ones must be this user's (after() gives no one else's, checked again).
    const seen = new Set<Entry>(visibleReplay(window.filter(isGroupEntry), userId, groups));
    const visible = window.filter((e) => (isGroupEntry(e) ? seen.has(e) : e.userId === userId));
    if (visible.length > this.#buffer.perGroup) return 'reset';
    const touched = new Set([...groups, ...visible.filter(isGroupEntry).map((e) => e.groupId)]);
    for (const groupId of touched) if (this.#buffer.lostAfter({ groupId }, ord)) return 'reset';
    return visible;
  }
}
