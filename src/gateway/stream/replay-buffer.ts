/**
 * The bounded memory of recent group events that `Last-Event-ID` replays from: the last N
 * events of each group, each stamped with a gateway-local order number (event ids are
 * UUIDv7s minted by different services, so their order is not the delivery order).
 */
import type { Envelope } from '../../kit/index.ts';

/** One buffered group event. */
export interface Entry {
  /** Delivery order in this gateway, 1, 2, 3 … across all groups. */
  readonly ord: number;
  readonly groupId: string;
  readonly event: Envelope;
  /** The serialised payload, made once and shared by every connection (see wire.ts). */
  json?: string;
}

interface Ring {
  entries: Entry[];
  /** Order number of the newest entry pushed out of this ring (0: none). */
  evicted: number;
}

/** Per-group rings of recent events with a lookup by event id. */
export class ReplayBuffer {
  readonly #rings = new Map<string, Ring>();
  readonly #byId = new Map<string, Entry>();
  #ord = 0;
  readonly perGroup: number;

  /** Keeps the last `perGroup` events of each group. */
  constructor(perGroup: number) {
    this.perGroup = perGroup;
  }

  /** Buffers an event; undefined when an event with that id is already buffered (a redelivery). */
  add(groupId: string, event: Envelope): Entry | undefined {
    if (this.#byId.has(event.id)) return undefined;
    const entry: Entry = { ord: ++this.#ord, groupId, event };
    let ring = this.#rings.get(groupId);
    if (!ring) this.#rings.set(groupId, (ring = { entries: [], evicted: 0 }));
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

  /** Every buffered event newer than `ord`, oldest first. */
  after(ord: number): Entry[] {
    const out: Entry[] = [];
    for (const ring of this.#rings.values()) {
      for (let i = ring.entries.length - 1; i >= 0 && ring.entries[i]!.ord > ord; i--) out.push(ring.entries[i]!);
    }
    return out.sort((a, b) => a.ord - b.ord);
  }

  /** True when some of `groupId`'s events newer than `ord` are no longer buffered. */
  lostAfter(groupId: string, ord: number): boolean {
    return (this.#rings.get(groupId)?.evicted ?? 0) > ord;
  }
}
