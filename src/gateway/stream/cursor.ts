/**
 * Stream cursors: the id a stream gives each event (SSE `id:`, the WebSocket frame's `id`)
 * and takes back as `Last-Event-ID`. A cursor names, for each service whose events the
 * stream carries, the seq of that service's log up to which the gateway had handed events
 * to its streams when it sent the event, and a tag of the log's epoch then (es/epoch.ts in
 * the kit: a restored database begins a new epoch, and its seqs are handed out again). Any
 * gateway can resume from it by reading each service's log after that seq, so a client may
 * reconnect to another gateway than the one it left. Clients treat it as opaque.
 *
 * Text: `c1.` then `service:seq:tag` per service, joined by `.` — e.g.
 * `c1.users:41:9c1d4f2a.location:880:0e5b7a19`. The tag is the last 8 hex digits of the
 * epoch's UUIDv7 (its random part: two epochs of one log tell apart but for a 1 in 4·10⁹
 * chance), empty for a log that has no epochs.
 */

/** Where one service's log stood. */
export interface Position {
  seq: number;
  /** The epoch tag (see the header); '' when the log has none. */
  tag: string;
}

/** A cursor: a position per source service. */
export type Cursor = ReadonlyMap<string, Position>;

/** Longest cursor text taken (a `Last-Event-ID` header or a WebSocket `lastEventId`). */
export const MAX_CURSOR_LENGTH = 512;
const PREFIX = 'c1.';
const PART = /^([a-z][a-z0-9_-]{0,31}):(0|[1-9][0-9]{0,14}):([0-9a-f]{8})?$/;

/** The tag of an epoch id (undefined: the log has no epochs). */
export const epochTag = (epochId: string | undefined): string => (epochId ? epochId.replace(/-/g, '').slice(-8).toLowerCase() : '');

/**
 * A cursor as text.
 *
 * @example
 * encodeCursor(new Map([['users', { seq: 41, tag: '9c1d4f2a' }]])); // 'c1.users:41:9c1d4f2a'
 */
export function encodeCursor(c: Cursor): string {
  let out = PREFIX.slice(0, -1);
  for (const [source, p] of c) out += `.${source}:${p.seq}:${p.tag}`;
  return out;
}

/** Reads a cursor; undefined for anything that is not one (an old event id, a forged or cut text). */
export function decodeCursor(text: string): Cursor | undefined {
  if (text.length > MAX_CURSOR_LENGTH || !text.startsWith(PREFIX)) return undefined;
  const out = new Map<string, Position>();
  for (const part of text.slice(PREFIX.length).split('.')) {
    const m = PART.exec(part);
    if (!m || out.has(m[1]!)) return undefined;
    out.set(m[1]!, { seq: Number(m[2]), tag: m[3] ?? '' });
  }
  return out;
}

/**
 * The positions a gateway has reached, one per source: each event handed to the streams
 * moves its source's to the event's seq (and its epoch's tag, when the event carries one).
 * A source starts where `seed` puts it (its log's head when the gateway started); until
 * then it is left out of cursors, and a resume from such a cursor is a reset.
 */
export class Positions {
  readonly #at = new Map<string, Position>();
  #text: string | undefined;

  /**
   * Sets a source's starting position unless it has one already; one that an event without
   * an epoch (read from a log page) set first gets the epoch's tag from here.
   */
  seed(source: string, seq: number, epochId: string | undefined): void {
    const was = this.#at.get(source);
    if (was && (was.tag !== '' || !epochId)) return;
    this.#at.set(source, was ? { seq: was.seq, tag: epochTag(epochId) } : { seq, tag: epochTag(epochId) });
    this.#text = undefined;
  }

  /** Moves `event.source` to `event.seq` (events reach the stream in their log's order: see live-feed.ts). */
  advance(event: { source: string; seq: number; epoch?: string }): void {
    const was = this.#at.get(event.source);
    this.#at.set(event.source, { seq: event.seq, tag: event.epoch !== undefined ? epochTag(event.epoch) : (was?.tag ?? '') });
    this.#text = undefined;
  }

  /** The current position of a source. */
  get(source: string): Position | undefined {
    return this.#at.get(source);
  }

  /** The current cursor as text (made once per change). */
  text(): string {
    return (this.#text ??= encodeCursor(this.#at));
  }

  /** The current cursor, undefined while no source has a position (it would resume nothing). */
  cursor(): string | undefined {
    return this.#at.size ? this.text() : undefined;
  }

  /** A copy of the current positions. */
  snapshot(): Map<string, Position> {
    return new Map(this.#at);
  }
}
