/**
 * One event on its way to the streams: who may see it, and the cursor a client resumes
 * from after it (cursor.ts). Its frames are made once and shared by every connection that
 * gets it (wire.ts).
 */
import type { Envelope } from '../../kit/index.ts';

/** Who an event is for: a group's members, or one user (a personal event). */
export type Audience = { groupId: string } | { userId: string };

/** One event for the streams. */
export interface Entry {
  /** The group whose members see it; null for a personal event. */
  readonly groupId: string | null;
  /** The one user who sees a personal event; null for a group event. */
  readonly userId: string | null;
  readonly event: Envelope;
  /** The resume position after this event (cursor.ts), as the client gets it. */
  readonly cursor: string;
  /** The serialised payload, made once and shared by every connection (see wire.ts). */
  json?: string;
  /** The WebSocket frame, likewise. */
  ws?: string;
}

/** An event for a group's members. */
export type GroupEntry = Entry & { readonly groupId: string };

/** True for a group's event, false for a personal one. */
export const isGroupEntry = (e: Entry): e is GroupEntry => e.groupId !== null;

/** The entry of an event for `audience`, resumed from at `cursor`. */
export function entryOf(audience: Audience, event: Envelope, cursor: string): Entry {
  return { groupId: 'groupId' in audience ? audience.groupId : null, userId: 'userId' in audience ? audience.userId : null, event, cursor };
}
