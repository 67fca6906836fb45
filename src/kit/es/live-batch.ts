/**
 * The live events a consumer has received and not yet looked at. The subscription only
 * pushes here; one queued step takes what has gathered (up to `LIVE_BATCH_EVENTS` events or
 * `LIVE_BATCH_BYTES`), so events that arrive while a step runs, or in one socket read, are
 * applied together: one transaction, one checkpoint read and store (es/consumer.ts).
 */

/** The most live events one step takes (a transaction holds the write lock this long). */
export const LIVE_BATCH_EVENTS = 256;
/** The most bytes of encoded events one step takes (at least one event). */
export const LIVE_BATCH_BYTES = 1 << 20;

/**
 * A FIFO of encoded live events, taken in bounded batches.
 *
 * @example
 * const live = new LiveBatch();
 * if (live.push(bytes)) enqueue(() => step(live.take()));
 */
export class LiveBatch {
  #items: Uint8Array[] = [];
  #head = 0;
  /** A step to take them is queued (or running and will queue another if more remain). */
  #scheduled = false;

  /** How many wait. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Adds one; true when the caller must queue a step to take them (none is queued yet). */
  push(bytes: Uint8Array): boolean {
    this.#items.push(bytes);
    if (this.#scheduled) return false;
    this.#scheduled = true;
    return true;
  }

  /**
   * Takes the next batch, oldest first. `more` says whether some are left, for which the
   * caller must queue another step; otherwise the next `push` asks for one.
   */
  take(): { batch: Uint8Array[]; more: boolean } {
    const batch: Uint8Array[] = [];
    let bytes = 0;
    while (this.#head < this.#items.length && batch.length < LIVE_BATCH_EVENTS) {
      const b = this.#items[this.#head]!;
      if (batch.length > 0 && bytes + b.length > LIVE_BATCH_BYTES) break;
      batch.push(b);
      bytes += b.length;
      this.#head++;
    }
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 4096) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    const more = this.size > 0;
    this.#scheduled = more;
    return { batch, more };
  }

  /** Forgets what waits (stopping: the log holds them all). */
  clear(): void {
    this.#items = [];
    this.#head = 0;
    this.#scheduled = false;
  }
}
