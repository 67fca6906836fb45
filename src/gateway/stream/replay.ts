/**
 * `Last-Event-ID` replay from the services' own logs, so that any gateway can resume any
 * stream. The client's cursor (cursor.ts) says how far each source service's log had been
 * handed to its streams; the replay reads each log after that seq (`log.<service>.read`,
 * every source at once), keeps the events the user may see — group events by the same
 * membership rules as live delivery (visibility.ts), personal events of this user only —
 * and merges the sources by commit time, each in its log's order. It is a `reset` instead
 * when the cursor is not one, names a source's epoch that the log no longer continues
 * (a restored database), is ahead of a log, lacks a source, when a log cannot be read, when
 * more than `maxScan` events of one log lie after it, or more than `maxEvents` are to be
 * sent (the connection's own bound: a longer replay would be the burst the bound prevents).
 *
 * The stream subscribes before it reads (the session holds live events meanwhile); what
 * the replay sent, live delivery then drops by source and seq (`Floor`), and cursors of
 * live events are raised to what the replay reached while this gateway is behind it.
 */
import type { Envelope, EpochInfo, Logger } from '../../kit/index.ts';
import { decodeCursor, encodeCursor, epochTag, type Cursor, type Position } from './cursor.ts';
import { entryOf, type Audience, type Entry } from './entry.ts';
import { visibleReplay } from './visibility.ts';

/** A page of a service's log, as `log.<service>.read` answers. */
export interface LogPage {
  events: Envelope[];
  head: number;
  epochs?: EpochInfo[];
}

/** What replay needs from the gateway: the source services and their logs. */
export interface StreamLogs {
  /** The services whose events the streams carry (each answers `log.<service>.read`). */
  sources: readonly string[];
  /** Reads a page of a log: events with seq > `after`, oldest first. */
  read(source: string, after: number, limit: number): Promise<LogPage>;
  /** Who an event read from a log is for, as live delivery decides it (undefined: no stream). */
  audienceOf(event: Envelope): Audience | undefined;
}

/** Bounds of one replay. */
export interface ReplayLimits {
  /** Most events sent (the connection's bound). */
  maxEvents: number;
  /** Most events read from one log. */
  maxScan: number;
}

/** What a resume sends: the events and where it left each source, or a reset. */
export type Replay = { entries: Entry[]; floor: Map<string, Position> } | { reset: string };

const PAGE = 1000;

interface Read {
  source: string;
  events: Array<{ event: Envelope; audience: Audience }>;
  /** Where the read ended, in the log's current epoch. */
  end: Position;
}

/** Reads what `userId` missed after `cursorText`. */
export async function replay(logs: StreamLogs, cursorText: string, userId: string, groups: readonly string[], limits: ReplayLimits, log?: Logger): Promise<Replay> {
  const cursor = decodeCursor(cursorText);
  if (!cursor) return { reset: 'not a cursor' };
  const missing = logs.sources.find((s) => !cursor.has(s));
  if (missing) return { reset: `the cursor has no position in ${missing}'s log` };
  let reads: Array<Read | string>;
  try {
    reads = await Promise.all(logs.sources.map((s) => readAfter(logs, s, cursor.get(s)!, limits.maxScan)));
  } catch (err) {
    log?.warn('stream replay could not read a log; the client is reset', { err });
    return { reset: 'a log could not be read' };
  }
  const failed = reads.find((r): r is string => typeof r === 'string');
  if (failed) return { reset: failed };
  const merged = mergeByTime(reads as Read[]);
  const groupItems = merged.filter((m) => 'groupId' in m.audience).map((m) => ({ ...m, groupId: (m.audience as { groupId: string }).groupId }));
  const visible = new Set(visibleReplay(groupItems, userId, groups).map((m) => m.event));
  const kept = merged.filter((m) => ('groupId' in m.audience ? visible.has(m.event) : m.audience.userId === userId));
  if (kept.length > limits.maxEvents) return { reset: `${kept.length} events to replay, more than ${limits.maxEvents}` };
  const at = new Map<string, Position>(cursor);
  const tags = new Map((reads as Read[]).map((r) => [r.source, r.end.tag]));
  const entries = kept.map((m) => {
    at.set(m.event.source, { seq: m.event.seq, tag: tags.get(m.event.source)! });
    return entryOf(m.audience, m.event, encodeCursor(at));
  });
  const floor = new Map<string, Position>(cursor);
  for (const r of reads as Read[]) floor.set(r.source, r.end);
  return { entries, floor };
}

// One log after `from`: a reason to reset (a string), or its events for some stream.
async function readAfter(logs: StreamLogs, source: string, from: Position, maxScan: number): Promise<Read | string> {
  const events: Read['events'] = [];
  let after = from.seq;
  let scanned = 0;
  let tag: string | undefined;
  for (;;) {
    const page = await logs.read(source, after, PAGE);
    if (tag === undefined) {
      if (!continues(from, page.epochs, page.head)) return `${source}'s log does not continue the cursor's (restored, or another database)`;
      tag = epochTag(page.epochs?.at(-1)?.id);
    }
    for (const event of page.events) {
      if (event.seq <= after) continue;
      after = event.seq;
      if (++scanned > maxScan) return `more than ${maxScan} events of ${source} after the cursor`;
      const audience = logs.audienceOf(event);
      if (audience) events.push({ event, audience });
    }
    // A page may be cut short to fit the broker's payload limit; a hole is an erased event.
    if (page.events.length === 0 || after >= page.head) break;
  }
  return { source, events, end: { seq: after, tag } };
}

/**
 * Whether a log holds the same events as the one the position was taken in, up to it:
 * the position's epoch is the log's current one, or an earlier one that no later epoch
 * began before the position's seq (every restore since went back no further than it).
 */
export function continues(p: Position, epochs: readonly EpochInfo[] | undefined, head: number): boolean {
  if (!epochs?.length) return p.tag === '' && p.seq <= head;
  const i = epochs.findIndex((e) => epochTag(e.id) === p.tag);
  if (i < 0) return false;
  return p.seq <= Math.min(head, ...epochs.slice(i + 1).map((e) => e.base));
}

// Oldest commit first across sources, each source in its log's order (a clock that stepped
// back inside one log must not reorder it).
function mergeByTime(reads: readonly Read[]): Array<{ event: Envelope; audience: Audience }> {
  const next = reads.map(() => 0);
  const out: Array<{ event: Envelope; audience: Audience }> = [];
  for (;;) {
    let best = -1;
    for (let i = 0; i < reads.length; i++) {
      const e = reads[i]!.events[next[i]!];
      if (e && (best < 0 || e.event.at < reads[best]!.events[next[best]!]!.event.at)) best = i;
    }
    if (best < 0) return out;
    out.push(reads[best]!.events[next[best]!++]!);
  }
}

/**
 * What a resumed stream must not send again, and the least cursor it may give: live events
 * at or below the replay's end in a source are the replay's (dropped), and while this
 * gateway's own positions are behind that end, the cursors it gives are raised to it.
 */
export class Floor {
  readonly #at: Map<string, Position>;

  constructor(at: Map<string, Position>) {
    this.#at = at;
  }

  /**
   * Undefined: already sent, drop it. Else the cursor to give the entry: its own once this
   * gateway has reached the floor in every source (then the floor is no longer needed).
   */
  pass(entry: Entry): string | undefined {
    const { source, seq, epoch } = entry.event;
    const f = this.#at.get(source);
    if (f && seq <= f.seq && (epoch === undefined || epochTag(epoch) === f.tag)) return undefined;
    const theirs: Cursor = decodeCursor(entry.cursor) ?? new Map();
    let raised = false;
    const out = new Map(theirs);
    for (const [s, p] of this.#at) {
      const t = theirs.get(s);
      if (t && (t.tag !== p.tag || t.seq >= p.seq)) continue;
      out.set(s, p);
      raised = true;
    }
    return raised ? encodeCursor(out) : entry.cursor;
  }
}
