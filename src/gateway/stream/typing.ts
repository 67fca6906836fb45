/**
 * Typing indicators: ephemeral signals that travel between gateway instances over the
 * broker (`evt.gateway.typing.<groupId>`, plain publish: no outbox, no event log, no
 * replay) and reach the streams of the group's other members. A client typing sends
 * often, so a gate lets at most one signal per (user, group) out every two seconds and
 * drops the rest silently.
 */
import { chat } from '../../contracts/index.ts';

/** One signal per (user, group) at most this often. */
export const TYPING_INTERVAL_MS = 2000;

/** The signal's subject, shape and the gateways' subscription, from the chat contract. */
export const { typingSubject, TYPING_SUBJECTS, TypingSignal } = chat;
export type TypingSignal = chat.TypingSignal;

/** Sends a typing signal for a user in a group; throws an AppError when they are not a member. */
export type SendTyping = (actor: { userId: string; sessionId: string }, groupId: string) => void;

/** Keys remembered before the gate sweeps out the stale ones. */
const SWEEP_AT = 1024;

/** Lets at most one signal per (user, group) through per interval; the first one at once. */
export class TypingGate {
  readonly #last = new Map<string, number>();
  readonly #intervalMs: number;
  readonly #now: () => number;

  constructor(intervalMs = TYPING_INTERVAL_MS, now: () => number = Date.now) {
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /** True when this signal may go out (and counts it); false when it is to be dropped. */
  admit(userId: string, groupId: string): boolean {
    const now = this.#now();
    const key = `${userId} ${groupId}`;
    const last = this.#last.get(key);
    if (last !== undefined && now - last < this.#intervalMs) return false;
    this.#last.set(key, now);
    if (this.#last.size > SWEEP_AT) this.#sweep(now);
    return true;
  }

  #sweep(now: number): void {
    for (const [key, at] of this.#last) if (now - at >= this.#intervalMs) this.#last.delete(key);
  }
}
