/**
 * The gateway's live (not durable) traffic for the real-time stream:
 * - group events: the gateway subscribes to `LIVE_SUBJECTS` (live, no checkpoint: a client
 *   that reconnects asks with Last-Event-ID, which is replayed from the services' logs:
 *   stream-logs.ts; each source's events put in order first: live-order.ts) and
 *   hands each event that belongs to a group to the stream, which delivers it to the
 *   members of that group. A member's place suggestions are theirs, not the group's, and
 *   are not fanned out;
 * - personal events: `PERSONAL_SUBJECTS` (a user's notifications), each for the one user
 *   `data.userId` names, whatever their groups;
 * both read through their contracts (live-routes.ts): an event whose data does not match
 * is dropped;
 * - typing signals: `typing()` lets at most one per (user, group) through every 2 s and
 *   publishes it on `evt.gateway.typing.<groupId>` once a bus is connected (until then, and
 *   when a publish fails, it reaches this gateway's own streams directly); what arrives on
 *   that subject from any gateway comes in through `pushTyping()`, checked, since anything
 *   may be published there.
 */
import * as v from 'valibot';
import type { Envelope, Logger } from '../kit/index.ts';
import { groupOf, recipientOf } from './live-routes.ts';
import type { GroupEvent } from './store/index.ts';
import { TypingGate, TypingSignal, typingSubject } from './stream/index.ts';

export { groupOf, recipientOf } from './live-routes.ts';

/** The subjects of group events the feed listens to. */
export const LIVE_SUBJECTS = ['evt.location.>', 'evt.chat.>'] as const;

/** The subjects of personal events (`data.userId` is the one recipient). */
export const PERSONAL_SUBJECTS = ['evt.notifications.>'] as const;

/** A personal event and its one recipient. */
export interface UserEvent {
  userId: string;
  event: Envelope;
}

/** Plain broker publishing (no outbox, no log): what typing signals travel on. */
export type Publish = (subject: string, data: unknown) => void;

/** What a feed may be given. */
export interface LiveFeedOptions {
  log?: Logger;
  now?: () => number;
  /** A user's display name, when the gateway knows it (else typing signals carry null). */
  nameOf?: (userId: string) => string | undefined;
}

/** Fans live events and typing signals out to listeners. */
export class LiveFeed {
  readonly #group = new Set<(e: GroupEvent) => void>();
  readonly #user = new Set<(e: UserEvent) => void>();
  readonly #typing = new Set<(t: TypingSignal) => void>();
  readonly #gate: TypingGate;
  readonly #o: LiveFeedOptions;
  #publish: Publish | undefined;

  constructor(o: LiveFeedOptions = {}) {
    this.#o = o;
    this.#gate = new TypingGate(undefined, o.now);
  }

  /** Passes an event on when it belongs to a group. */
  push(event: Envelope): void {
    const groupId = groupOf(event);
    if (!groupId) return;
    for (const fn of this.#group) fn({ groupId, event });
  }

  /** Passes a personal event on to its recipient's listeners. */
  pushPersonal(event: Envelope): void {
    const userId = recipientOf(event);
    if (!userId) return void this.#o.log?.debug('personal event without a recipient dropped', { type: event.type, eventId: event.id });
    for (const fn of this.#user) fn({ userId, event });
  }

  /** Calls `fn` for every group event; returns the unsubscribe function. */
  on(fn: (e: GroupEvent) => void): () => void {
    this.#group.add(fn);
    return () => void this.#group.delete(fn);
  }

  /** Calls `fn` for every personal event; returns the unsubscribe function. */
  onUser(fn: (e: UserEvent) => void): () => void {
    this.#user.add(fn);
    return () => void this.#user.delete(fn);
  }

  /** Calls `fn` for every typing signal that came in; returns the unsubscribe function. */
  onTyping(fn: (t: TypingSignal) => void): () => void {
    this.#typing.add(fn);
    return () => void this.#typing.delete(fn);
  }

  /** Sends typing signals over the broker from now on (every instance hears them back through `pushTyping`). */
  connect(publish: Publish): void {
    this.#publish = publish;
  }

  /**
   * A member is typing in a group (membership is the caller's to check). Returns false when
   * the gate dropped it (another one went out less than 2 s ago).
   */
  typing(userId: string, groupId: string): boolean {
    if (!this.#gate.admit(userId, groupId)) return false;
    const signal: TypingSignal = { groupId, userId, name: this.#o.nameOf?.(userId) ?? null, at: new Date(this.#o.now?.() ?? Date.now()).toISOString() };
    if (!this.#publish) {
      this.#deliver(signal);
      return true;
    }
    try {
      this.#publish(typingSubject(groupId), signal);
    } catch (err) {
      // The broker is away or closing: this gateway's own streams still hear it.
      this.#o.log?.warn('typing signal not published', { groupId, err });
      this.#deliver(signal);
    }
    return true;
  }

  /** A typing signal from the broker: checked (and its subject against its group), then passed on; a bad one is dropped. */
  pushTyping(data: unknown, subject: string): void {
    const r = v.safeParse(TypingSignal, data);
    if (!r.success) return void this.#o.log?.debug('malformed typing signal dropped', { subject, issue: r.issues[0].message, path: v.getDotPath(r.issues[0]) });
    if (subject !== typingSubject(r.output.groupId)) return void this.#o.log?.debug('typing signal on another group\'s subject dropped', { subject });
    this.#deliver(r.output);
  }

  #deliver(signal: TypingSignal): void {
    for (const fn of this.#typing) {
      try {
        fn(signal);
      } catch (err) {
        this.#o.log?.warn('typing listener failed', { err });
      }
    }
  }
}
