/**
 * Other services' group events for the real-time stream. The gateway subscribes to
 * `evt.location.>` and `evt.chat.>` (live, no checkpoint: a client that reconnects asks with Last-Event-ID,
 * and the stream's replay buffer answers) and hands each event that belongs to a group to
 * the stream, which delivers it to the members of that group. A member's place
 * suggestions are theirs, not the group's, and are not fanned out.
 */
import type { Envelope } from '../kit/index.ts';
import type { GroupEvent } from './read-model/index.ts';

/** The subjects the feed listens to. */
export const LIVE_SUBJECTS = ['evt.location.>', 'evt.chat.>'] as const;

/** The group an event belongs to (undefined: not a group's event). */
export function groupOf(event: Envelope): string | undefined {
  const d = event.data as { groupId?: unknown; place?: { groupId?: unknown } } | null;
  const id = d?.groupId ?? d?.place?.groupId;
  return typeof id === 'string' ? id : undefined;
}

/** Fans group events out to listeners. */
export class LiveFeed {
  readonly #listeners = new Set<(e: GroupEvent) => void>();

  /** Passes an event on when it belongs to a group. */
  push(event: Envelope): void {
    const groupId = groupOf(event);
    if (!groupId) return;
    for (const fn of this.#listeners) fn({ groupId, event });
  }

  /** Calls `fn` for every group event; returns the unsubscribe function. */
  on(fn: (e: GroupEvent) => void): () => void {
    this.#listeners.add(fn);
    return () => void this.#listeners.delete(fn);
  }
}
