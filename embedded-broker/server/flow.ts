/**
 * Flow control for one client's outbound bytes, after nats-server 2.9.10's client.go:
 *
 * - The stall gate (queueOutbound's `c.out.stc`): once more than half of max_pending is
 *   waiting for this client, every client that publishes to it stops being read
 *   (stalledWait) until the gate opens — everything handed to the transport written, or
 *   pending back under half (flushOutbound) — or for at most 100 ms, growing to 1 s as
 *   pending nears max_pending (stallDuration). The paused publisher's bytes wait in the
 *   kernel, so TCP slows it to the pace its subscribers read at: a client that reads
 *   its own publications gets all of them. A client that has stopped reading still fills
 *   up and is cut off (max_pending, checked by Client, or the write deadline).
 * - The write deadline (flushOutbound's SetWriteDeadline on each batch): bytes handed to
 *   the transport must be written within write_deadline. Checked in ticks: each tick,
 *   everything handed to the transport by the previous tick must have left; the tick
 *   does not rely on the transport reporting progress, so a missed event cannot leave a
 *   healthy client to be cut off, nor a stuck one to hang on.
 */
import type { Conn } from '../transport/types.ts';

/** nats-server 2.9.10's stallClientMinDuration / stallClientMaxDuration (ms). */
export const STALL_MIN_MS = 100;
export const STALL_MAX_MS = 1000;

/** How long a publisher waits on a consumer with `pending` of `max` bytes queued (stallDuration). */
export function stallDuration(pending: number, max: number): number {
  if (pending >= max) return STALL_MAX_MS;
  const half = max / 2;
  if (pending <= half) return STALL_MIN_MS;
  const step = half / 10;
  return Math.min(STALL_MAX_MS, STALL_MIN_MS * (1 + Math.floor((pending - half) / step)));
}

/** What a Flow needs from its client. */
export interface FlowOwner {
  readonly conn: Conn;
  /** Bytes queued and not yet written: the client's own queue plus the transport's. */
  readonly pending: number;
  readonly maxPending: number;
  readonly writeDeadline: number;
  /** Bytes handed to the transport were not written within write_deadline. */
  deadlineExceeded(pendingBytes: number): void;
  /** The stall is over: parse what was held back and read from the transport again. */
  resumeReading(): void;
}

/** One client's side of flow control: as a consumer (gate, deadline) and as a publisher (paused). */
export class Flow {
  private gated = false;
  /** Publishers not being read until this client's gate opens. */
  private readonly waiters = new Set<Flow>();
  /** The consumer this client, as a publisher, is paused for. */
  private pausedBy?: Flow;
  private pauseTimer?: ReturnType<typeof setTimeout>;
  private handed = 0;
  private checkpoint = 0;
  private deadline?: ReturnType<typeof setTimeout>;
  private done = false;

  private readonly owner: FlowOwner;

  constructor(owner: FlowOwner) {
    this.owner = owner;
  }

  /** True while this client, as a publisher, is not being read. */
  get isPaused(): boolean {
    return this.pausedBy !== undefined;
  }

  /** True while publishers to this client are to be stalled. */
  get isGated(): boolean {
    return this.gated;
  }

  /** Bytes were queued, `pending` now wait: closes the gate past half of max_pending. */
  queued(pending: number): void {
    if (!this.gated && pending > this.owner.maxPending / 2) this.gated = true;
  }

  /** A publisher just queued a message here while the gate is closed: pause it. */
  stall(publisher: Flow): void {
    if (this.done || publisher.done || publisher.pausedBy) return;
    publisher.pausedBy = this;
    this.waiters.add(publisher);
    publisher.owner.conn.pause();
    publisher.pauseTimer = setTimeout(() => publisher.resume(), stallDuration(this.owner.pending, this.owner.maxPending));
  }

  /** `n` bytes were handed to the transport. */
  wrote(n: number): void {
    this.handed += n;
    const inTransport = this.owner.conn.pending;
    if (!this.deadline && inTransport > 0) this.arm();
    this.progress(inTransport);
  }

  /** The transport wrote some of what it holds: opens the gate when caught up. */
  progress(inTransport = this.owner.conn.pending): void {
    if (inTransport === 0 && this.deadline) {
      clearTimeout(this.deadline);
      this.deadline = undefined;
    }
    if (this.gated && (inTransport === 0 || this.owner.pending < this.owner.maxPending / 2)) this.open();
  }

  /** The client is gone: stop timers and let its publishers go. */
  close(): void {
    this.done = true;
    clearTimeout(this.deadline);
    this.resume();
    this.open();
  }

  private open(): void {
    this.gated = false;
    for (const p of this.waiters) p.resume();
    this.waiters.clear();
  }

  private resume(): void {
    const by = this.pausedBy;
    if (!by) return;
    this.pausedBy = undefined;
    by.waiters.delete(this);
    clearTimeout(this.pauseTimer);
    if (!this.done) this.owner.resumeReading();
  }

  private arm(): void {
    this.checkpoint = this.handed;
    this.deadline = setTimeout(() => this.tick(), this.owner.writeDeadline);
    (this.deadline as { unref?: () => void }).unref?.();
  }

  private tick(): void {
    this.deadline = undefined;
    if (this.done) return;
    const inTransport = this.owner.conn.pending;
    if (inTransport === 0) return this.progress();
    if (this.handed - inTransport >= this.checkpoint) return this.arm();
    this.owner.deadlineExceeded(inTransport);
  }
}
