/**
 * One Server-Sent Events stream. The response body is a pull-driven ReadableStream with a
 * queue of our own, so the bound is exact: the HTTP layer pulls a frame only when the
 * socket drained the last one (@hono/node-server waits for 'drain'), and a client that
 * stops reading lets the queue reach `bufferSize` frames or its byte bound — then the
 * response is cut. A stream authenticated by header cannot be re-authenticated, so it
 * ends (`event: end`) when its token expires; the client reconnects with a fresh token
 * and `Last-Event-ID`. Typing indicators do not count toward the bound: one is dropped
 * when frames are already waiting.
 */
import type { Logger } from '../../kit/index.ts';
import { timerAt, type Identity } from './auth.ts';
import type { Hub, Subscriber } from './hub.ts';
import { EndReason, Limits, RESET_REASON } from './protocol.ts';
import { Resuming } from './resuming.ts';
import type { Entry } from './entry.ts';
import { isoOrNull, SSE_HEARTBEAT, sseEvent, sseFrame, type TypingFrames } from './wire.ts';

/** What an SSE stream needs from the mount. */
export interface SseSessionDeps {
  hub: Hub;
  bufferSize: number;
  heartbeatMs: number;
  log?: Logger;
  /** Tears the HTTP response down (a client that does not read never pulls the error). */
  abort(): void;
  /** Called once when the session is over. */
  onGone(session: SseSession): void;
}

const encoder = new TextEncoder();

/** An SSE stream; a hub subscriber from `open` on. */
export class SseSession implements Subscriber {
  readonly userId: string;
  readonly sessionId: string;
  readonly known = new Set<string>();
  readonly body: ReadableStream<Uint8Array>;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #queue: Array<{ bytes: Uint8Array; typing: boolean }> = [];
  #queuedBytes = 0;
  // Typing frames in the queue: counted apart from the bound.
  #queuedTyping = 0;
  #typingBytes = 0;
  // The replay is queued at once; it may use this much on top of the bound until it is read.
  #burstEvents = 0;
  #burstBytes = 0;
  #waiting = false;
  #state: 'open' | 'ending' | 'closed' = 'open';
  #timers: Array<() => void> = [];
  readonly #maxBytes: number;
  readonly #resuming: Resuming;
  readonly identity: Identity;
  readonly deps: SseSessionDeps;

  constructor(identity: Identity, deps: SseSessionDeps) {
    this.identity = identity;
    this.deps = deps;
    this.userId = identity.userId;
    this.sessionId = identity.sessionId;
    this.#maxBytes = deps.bufferSize * Limits.bytesPerEvent;
    this.#resuming = new Resuming(deps.bufferSize);
    this.body = new ReadableStream<Uint8Array>(
      {
        start: (c) => void (this.#controller = c),
        pull: () => this.#pull(),
        cancel: () => this.#finish(),
      },
      { highWaterMark: 0 },
    );
  }

  /** Registers with the hub and queues `ready`, then (resuming) the replay or a reset. */
  open(lastEventId: string | undefined): void {
    const groups = this.deps.hub.attach(this);
    // Where this stream starts: a fresh one may resume from here even before its first event.
    const start = this.deps.hub.positions.cursor();
    this.#write(sseFrame('ready', { groups, expiresAt: isoOrNull(this.identity.expiresAt) }, lastEventId ? undefined : start));
    if (lastEventId) void this.#resume(lastEventId, groups, start);
    const beat = setInterval(() => this.#write(SSE_HEARTBEAT), this.deps.heartbeatMs);
    this.#timers.push(() => clearInterval(beat));
    if (this.identity.expiresAt !== undefined) this.#timers.push(timerAt(this.identity.expiresAt, () => this.end(EndReason.TokenExpired)));
  }

  // Live events are held while the logs are read, then sent after the replay (replay.ts).
  async #resume(lastEventId: string, groups: string[], start: string | undefined): Promise<void> {
    this.#resuming.start();
    const r = await this.deps.hub.replay(this.userId, groups, lastEventId);
    if (this.#state !== 'open') return;
    if (this.#resuming.overflowed) return this.#cut();
    if ('reset' in r) this.#write(sseFrame('reset', { reason: RESET_REASON }, start));
    else {
      const frames = r.entries.map((e) => encoder.encode(sseEvent(e)));
      this.#burstEvents = frames.length;
      this.#burstBytes = frames.reduce((n, f) => n + f.byteLength, 0);
      for (const frame of frames) this.#write(frame);
    }
    for (const [entry, cursor] of this.#resuming.finish(r)) this.#write(sseEvent(entry, cursor));
  }

  /** Sends one event. */
  deliver(entry: Entry): void {
    if (this.#state !== 'open') return;
    const cursor = this.#resuming.pass(entry);
    if (cursor !== undefined) this.#write(sseEvent(entry, cursor));
  }

  /** Queues a typing indicator unless frames are already waiting (then it is dropped). */
  typing(frames: TypingFrames): void {
    if (this.#state !== 'open' || (!this.#waiting && this.#queue.length >= Limits.typingBacklog)) return;
    this.#write(frames.sse, true);
  }

  /** Sends `event: end` and closes once the client has read what is queued. */
  end(reason: EndReason): void {
    if (this.#state !== 'open') return;
    this.#write(sseFrame('end', { reason }));
    if (this.#state !== 'open') return; // the end frame did not fit: the stream was cut
    this.#state = 'ending';
    this.#release();
    // The next pull closes the body once the queue is read; a client that reads nothing is cut.
    const t = setTimeout(() => this.#cut(), Limits.closeGraceMs);
    this.#timers.push(() => clearTimeout(t));
  }

  /** Called when the request is aborted (the client went away). */
  gone(): void {
    this.#finish();
  }

  #write(frame: string | Uint8Array, typing = false): void {
    if (this.#state !== 'open') return;
    const bytes = typeof frame === 'string' ? encoder.encode(frame) : frame;
    if (this.#waiting) {
      this.#waiting = false;
      return this.#controller.enqueue(bytes);
    }
    if (!typing) {
      const events = this.#queue.length - this.#queuedTyping;
      const eventBytes = this.#queuedBytes - this.#typingBytes;
      const full = events >= this.deps.bufferSize + this.#burstEvents || eventBytes + bytes.byteLength > this.#maxBytes + this.#burstBytes;
      if (full) return this.#cut();
    } else {
      this.#queuedTyping++;
      this.#typingBytes += bytes.byteLength;
    }
    this.#queue.push({ bytes, typing });
    this.#queuedBytes += bytes.byteLength;
  }

  #pull(): void {
    const next = this.#queue.shift();
    if (next) {
      this.#queuedBytes -= next.bytes.byteLength;
      if (next.typing) {
        this.#queuedTyping--;
        this.#typingBytes -= next.bytes.byteLength;
      }
      if (this.#queue.length === 0) this.#burstEvents = this.#burstBytes = 0;
      this.#controller.enqueue(next.bytes);
    } else if (this.#state === 'ending') this.#close();
    else this.#waiting = true;
  }

  #close(): void {
    this.#finish();
    try {
      this.#controller.close();
    } catch {
      // the body was cancelled already (the response went away first)
    }
  }

  // The slow-consumer exit (and the end of a grace period): drop the queue and break the
  // response. Closing rather than erroring the body keeps node-server from logging it.
  #cut(): void {
    if (this.#state === 'closed') return;
    this.#queue = [];
    this.#queuedBytes = this.#queuedTyping = this.#typingBytes = 0;
    this.#finish();
    this.deps.abort();
    try {
      this.#controller.close();
    } catch {
      // the body was cancelled already (the response went away first)
    }
  }

  // Leaves the hub and stops the timers; the response may still be flushing.
  #release(): void {
    this.deps.hub.detach(this);
    for (const cancel of this.#timers) cancel();
    this.#timers = [];
  }

  #finish(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#release();
    this.deps.onGone(this);
  }
}
