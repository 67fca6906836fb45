/**
 * Calls from the gateway to services, through the kit's requester (timeouts, retries with
 * backoff for queries, a circuit breaker per service), with the HTTP request id as the
 * correlation id. It also keeps a view of each service's breaker for /metrics, from the
 * outcomes it sees: open after the kit refuses with `kit.circuit_open`, closed after any
 * answer (the kit's own breakers are not exposed by the service API).
 */
import { AppError, type BreakerState, type CallOptions, type Operation, type ReplyOf, type RequestOf } from '../kit/index.ts';

/** The kit's request function (`api.request`). */
export type RequestFn = <O extends Operation>(op: O, data: RequestOf<O>, call?: CallOptions) => Promise<ReplyOf<O>>;

/**
 * The gateway's way to services.
 *
 * @example
 * const upstream = new Upstream(api.request);
 * const me = await upstream.call(users.GetMe, { actor }, requestId);
 */
export class Upstream {
  readonly #request: RequestFn;
  readonly #states = new Map<string, BreakerState>();

  constructor(request: RequestFn) {
    this.#request = request;
  }

  /** Sends `data` as `op`; rethrows the service's AppError (or the kit's unavailable/timeout). */
  async call<O extends Operation>(op: O, data: RequestOf<O>, requestId?: string, call: CallOptions = {}): Promise<ReplyOf<O>> {
    try {
      const reply = await this.#request(op, data, { ...(requestId ? { correlationId: requestId } : {}), ...call });
      this.#states.set(op.service, 'closed');
      return reply;
    } catch (err) {
      if (err instanceof AppError && err.code === 'kit.circuit_open') this.#states.set(op.service, 'open');
      else if (!(err instanceof AppError && err.retryable)) this.#states.set(op.service, 'closed'); // an answer, even an error one
      throw err;
    }
  }

  /** The last seen breaker state of each service called. */
  breakers(): Record<string, BreakerState> {
    return Object.fromEntries(this.#states);
  }
}
