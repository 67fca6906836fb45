/**
 * How many gateways serve this Hearth, counted over the broker. Each gateway says it is
 * alive on `evt.gateway.alive` every few seconds (a plain publish: no outbox, no log),
 * asks the others to say so at once when it starts, and says it leaves when it stops; a
 * gateway not heard from for three rounds is gone. Rate limits take each gateway's share
 * of the configured limit from the count (rate-limiter.ts), so gateways behind a load
 * balancer that spreads clients evenly allow together what one gateway would.
 */
import * as v from 'valibot';

/** Where gateways say they are alive. */
export const ALIVE_SUBJECT = 'evt.gateway.alive';

const Alive = v.object({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  /** A gateway that starts: everyone answers at once instead of at their next round. */
  hello: v.optional(v.boolean()),
  /** A gateway that stops. */
  leaving: v.optional(v.boolean()),
});

/** What peers need. */
export interface PeersOptions {
  /** This gateway's id (unique per process). */
  id: string;
  publish: (subject: string, data: unknown) => void;
  now: () => number;
  /** Called with the new count (this gateway included) whenever it changes. */
  onCount: (count: number) => void;
  /** How often each gateway says it is alive. */
  everyMs?: number;
}

/**
 * The gateways heard from lately, this one included.
 *
 * @example
 * const peers = new GatewayPeers({ id, publish: api.publish, now, onCount: (n) => limiter.share(n) });
 * api.listen(ALIVE_SUBJECT, (data) => peers.hear(data));
 * peers.start();
 */
export class GatewayPeers {
  readonly #o: Required<PeersOptions>;
  /** Other gateways and when each was last heard from. */
  readonly #seen = new Map<string, number>();
  #count = 1;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(o: PeersOptions) {
    this.#o = { everyMs: 5000, ...o };
  }

  /** Gateways alive now, this one included. */
  get count(): number {
    return this.#count;
  }

  /** Says hello, then alive every round; forgets the silent. */
  start(): void {
    this.#say({ hello: true });
    this.#timer = setInterval(() => {
      this.#say({});
      this.#expire();
    }, this.#o.everyMs);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** Says it leaves (the others count one fewer at once). */
  stop(): void {
    clearInterval(this.#timer);
    this.#say({ leaving: true });
  }

  /** A message on ALIVE_SUBJECT (anything may arrive: what is not one is ignored). */
  hear(data: unknown): void {
    const r = v.safeParse(Alive, data);
    if (!r.success || r.output.id === this.#o.id) return;
    const { id, hello, leaving } = r.output;
    if (leaving) this.#seen.delete(id);
    else this.#seen.set(id, this.#o.now());
    if (hello) this.#say({});
    this.#expire();
  }

  #expire(): void {
    const horizon = this.#o.now() - 3 * this.#o.everyMs;
    for (const [id, at] of this.#seen) if (at < horizon) this.#seen.delete(id);
    const count = this.#seen.size + 1;
    if (count !== this.#count) {
      this.#count = count;
      this.#o.onCount(count);
    }
  }

  #say(flags: { hello?: boolean; leaving?: boolean }): void {
    try {
      this.#o.publish(ALIVE_SUBJECT, { id: this.#o.id, ...flags });
    } catch {
      // The connection is closed (stopping): the others will notice the silence.
    }
  }
}
