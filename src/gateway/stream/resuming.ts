/**
 * A stream's side of a resume: live events that arrive while its replay is read are held
 * (at most `maxHeld`: past that the stream is a slow consumer), then those the replay did
 * not send go out after it, with cursors no lower than where the replay left each source
 * (`Floor`, replay.ts).
 */
import type { Entry } from './entry.ts';
import { Floor, type Replay } from './replay.ts';

/** The resume state of one stream. */
export class Resuming {
  #held: Entry[] | undefined;
  #floor: Floor | undefined;
  #overflowed = false;
  readonly #maxHeld: number;

  constructor(maxHeld: number) {
    this.#maxHeld = maxHeld;
  }

  /** Holds live events from now on, until `finish`. */
  start(): void {
    this.#held = [];
  }

  /** True when more live events came during the replay than a connection may buffer. */
  get overflowed(): boolean {
    return this.#overflowed;
  }

  /** A live event: undefined when it is held or the replay sent it; else the cursor to send it with. */
  pass(entry: Entry): string | undefined {
    if (this.#held) {
      if (this.#held.length >= this.#maxHeld) this.#overflowed = true;
      else this.#held.push(entry);
      return undefined;
    }
    if (!this.#floor) return entry.cursor;
    const cursor = this.#floor.pass(entry);
    if (cursor === entry.cursor) this.#floor = undefined; // this gateway is past the replay everywhere
    return cursor;
  }

  /** The replay is sent (or was a reset): the held events to send now, each with its cursor. */
  finish(replay: Replay): Array<[Entry, string]> {
    const held = this.#held ?? [];
    this.#held = undefined;
    this.#floor = 'reset' in replay ? undefined : new Floor(replay.floor);
    const out: Array<[Entry, string]> = [];
    for (const entry of held) {
      const cursor = this.pass(entry);
      if (cursor !== undefined) out.push([entry, cursor]);
    }
    return out;
  }
}
