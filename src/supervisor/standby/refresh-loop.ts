/**
 * The standby's heartbeat: a refresh of the copy (follow.ts), then the next one
 * `replication.standby_interval_ms` after it ends — never two at once — logging when the
 * replica stops or starts being readable again, not at every failure.
 */
import type { Logger } from '../../kit/index.ts';
import type { Follower } from './follow.ts';

/** Refreshes the copy every `everyMs`, one refresh at a time, logging what changes. */
export class RefreshLoop {
  readonly #follower: Follower;
  readonly #log: Logger;
  readonly #everyMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> = Promise.resolve();
  #stopped = true;
  #failing = false;
  #restoredOnce = false;

  constructor(follower: Follower, log: Logger, everyMs: number) {
    this.#follower = follower;
    this.#log = log;
    this.#everyMs = everyMs;
  }

  /** Refreshes now, then every `everyMs` after each refresh ends. */
  start(): void {
    this.#stopped = false;
    this.#tick();
  }

  /** Stops, after the refresh under way (if any) is done. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #tick(): void {
    this.#running = this.#follower.refresh().then(
      (r) => {
        if (this.#failing) this.#log.info('the replica can be read again');
        this.#failing = false;
        if (r.restored.length && !this.#restoredOnce) this.#log.info('restored the copy from the replica', { restored: r.restored, missing: r.missing });
        else if (r.restored.length) this.#log.debug('refreshed', { restored: r.restored });
        if (r.restored.length) this.#restoredOnce = true;
      },
      (err: Error) => {
        if (!this.#failing) this.#log.error('cannot refresh the copy from the replica (trying again)', { err: err.message });
        this.#failing = true;
      },
    );
    void this.#running.then(() => {
      if (!this.#stopped) this.#timer = setTimeout(() => this.#tick(), this.#everyMs);
    });
  }
}
