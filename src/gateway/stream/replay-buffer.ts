/**
 * The bounded memory of recent events that `Last-Event-ID` replays from: the last N events
 * of each group and, kept apart, the last N personal events of each user, each stamped
 * with a gateway-local order number (event ids are UUIDv7s minted by different services,
 * so their order is not the delivery order).
 */
import type { Envelope } from '../../kit/index.ts';

/** Who an event is for: a group's members, or one user (a personal event). */
export type Audience = { groupId: string } | { userId: string };

/** One buffered event. */
export interface Entry {
  /** Delivery order in this gateway, 1, 2, 3 … across all groups and users. */
  readonly ord: number;
  /** The group whose members see it; null for a personal event. */
  readonly groupId: string | null;
  /** The one user who sees a personal event; null for a group event. */
  readonly userId: string | null;
  readonly event: Envelope;
  /** The serialised payload, made once and shared by every connection (see wire.ts). */
  json?: string;
  /** The WebSocket frame, likewise. */
  ws?: string;
}

/** A buffered group event. */
export type GroupEntry = Entry & { readonly groupId: string };

/** True for a group's event, false for a personal one. */
export const isGroupEntry = (e: Entry): e is GroupEntry => e.groupId !== null;

interface Ring {
  entries: Entry[];
  /** Order number of the newest entry pushed out of this ring (0: none). */
  evicted: number;
}

/** Per-group and per-user rings of recent events with a lookup by event id. */
export class ReplayBuffer {
  readonly #groups = new Map<string, Ring>();
  readonly #users = new Map<string, Ring>();
  readonly #byId = new Map<string, Entry>();
  #ord = 0;
  readonly perGroup: number;

  /** Keeps the last `perGroup` events of each group, and as many personal events of each user. */
  constructor(perGroup: number) {
    this.perGroup = perGroup;
  }

  /** Buffers an event; undefined when an event with that id is already buffered (a redelivery). */
  add(audience: Audience, event: Envelope): Entry | undefined {
    if (this.#byId.has(event.id)) return undefined;
    const entry: Entry = {
      ord: ++this.#ord,
      groupId: 'groupId' in audience ? audience.groupId : null,
      userId: 'userId' in audience ? audience.userId : null,
      event,
    };
    const [rings, key] = this.#ringsOf(audience);
    let ring = rings.get(key);
    if (!ring) rings.set(key, (ring = { entries: [], evicted: 0 }));
    ring.entries.push(entry);
    this.#byId.set(event.id, entry);
    if (ring.entries.length > this.perGroup) {
      const old = ring.entries.shift()!;
      ring.evicted = old.ord;
      this.#byId.delete(old.event.id);
    }
    return entry;
  }

  /** The order number of a buffered event, undefined when it is unknown or pushed out. */
  ordOf(eventId: string): number | undefined {
    return this.#byId.get(eventId)?.ord;
  }

  /** Every buffered group event newer than `ord`, and `userId`'s personal ones, oldest first. */
  after(ord: number, userId?: string): Entry[] {
    const out: Entry[] = [];
    const take = (ring: Ring | undefined): void => {
      if (!ring) return;
      for (let i = ring.entries.length - 1; i >= 0 && ring.entries[i]!.ord > ord; i--) out.push(ring.entries[i]!);
    };
    for (const ring of this.#groups.values()) take(ring);
    if (userId !== undefined) take(this.#users.get(userId));
    return out.sort((a, b) => a.ord - b.ord);
  }

  /** True when some of the audience's events newer than `ord` are no longer buffered. */
  lostAfter(audience: Audience, ord: number): boolean {
    const [rings, key] = this.#ringsOf(audience);
    return (rings.get(key)?.evicted ?? 0) > ord;
  }

  #ringsOf(a: Audience): [Map<string, Ring>, string] {
    return 'groupId' in a ? [this.#groups, a.groupId] : [this.#users, a.userId];
  }
}
