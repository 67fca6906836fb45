/**
 * Calling other services: `request(op, data)` checks the request against the operation's
 * schema, sends it on the operation's subject with trace headers and a timeout, retries
 * idempotent operations with backoff and jitter when the callee is unavailable, fails fast
 * through a circuit breaker per destination service, and checks the reply. Calls to a
 * batched operation made in one turn of the event loop travel together (bus/batch.ts).
 */
import type { NatsConnection } from 'nats';
import { CircuitBreaker } from '../breaker.ts';
import { encode } from '../codec.ts';
import { check, type Operation, type ReplyOf, type RequestOf } from '../contract.ts';
import { AppError } from '../errors.ts';
import { retry } from '../retry.ts';
import { Headers } from '../envelope.ts';
import { OutgoingBatch } from './batch.ts';
import { claimHeader, type IdempotencyClaim } from './idempotency.ts';
import { readReply, traceHeaders, type Trace } from './wire.ts';

/** Limits and policies of a requester. */
export interface RequesterOptions {
  timeoutMs: number;
  maxRequestBytes: number;
  attempts?: number;
  backoff?: { initialMs: number; maxMs: number };
  breaker?: { threshold: number; cooldownMs: number };
}

/** Per-call options. */
export interface CallOptions extends Partial<Trace> {
  timeoutMs?: number;
  /** Override: retry even a command not declared idempotent (false: never retry). */
  retry?: boolean;
  /**
   * False: go around the destination's circuit breaker, neither refused by it nor counted by
   * it. For background callers that pace themselves (a consumer's log reads while its
   * producer starts), so they do not open the breaker that users' requests go through.
   */
  breaker?: boolean;
  /**
   * Apply this command's writes at most once for this claim (bus/idempotency.ts): the callee
   * records them with their result in the same transaction and answers a repeat from the
   * record. A call with a claim travels alone, never in a batch.
   */
  idempotency?: IdempotencyClaim;
  /** Called when the callee answered from its idempotency record (the command was applied before). */
  onReplayed?: () => void;
}

/** True for errors that mean "the callee was not reached in time" (worth a retry, count against it). */
export const isInfrastructureFailure = (err: unknown): boolean => err instanceof AppError && err.retryable;

/** Translates the NATS client's errors into typed ones. */
export function fromNatsError(err: unknown, subject: string): AppError {
  const code = (err as { code?: string }).code;
  if (code === '503') return new AppError('unavailable', 'kit.no_responders', `Nobody answers on ${subject}`, { subject });
  if (code === 'TIMEOUT') return new AppError('timeout', 'kit.timeout', `No answer on ${subject} in time`, { subject });
  if (code === 'PERMISSIONS_VIOLATION') {
    // The broker refused this process's credential (only the gateway may send user-facing operations).
    return new AppError('forbidden', 'kit.not_permitted', `This process may not send ${subject}`, { subject });
  }
  if (code === 'MAX_PAYLOAD_EXCEEDED') {
    return new AppError('too_large', 'kit.payload_too_large', 'Request is larger than the broker accepts', { subject });
  }
  if (code === 'CONNECTION_CLOSED' || code === 'DISCONNECT' || code === 'CONNECTION_DRAINING') {
    return new AppError('unavailable', 'kit.broker_unavailable', 'Not connected to the broker', { subject }, { cause: err });
  }
  return new AppError('internal', 'kit.request_failed', `Request on ${subject} failed`, { subject }, { cause: err });
}

/**
 * Sends operations to other services.
 *
 * @example
 * const note = await requester.request(GetNote, { id }, { correlationId });
 */
export class Requester {
  readonly #nc: NatsConnection;
  readonly #o: Required<RequesterOptions>;
  readonly #breakers = new Map<string, CircuitBreaker>();
  readonly #batches = new Map<string, OutgoingBatch>();

  constructor(nc: NatsConnection, options: RequesterOptions) {
    this.#nc = nc;
    this.#o = {
      attempts: 3,
      backoff: { initialMs: 50, maxMs: 1000 },
      breaker: { threshold: 5, cooldownMs: 2000 },
      ...options,
    };
  }

  /** Sends `data` as `op` and returns the checked reply, or throws the callee's AppError. */
  async request<O extends Operation>(op: O, data: RequestOf<O>, call: CallOptions = {}): Promise<ReplyOf<O>> {
    const body = check(op.request, data, 'kit.invalid_request', `${op.subject} request`);
    const bytes = encode(body);
    if (bytes.length > this.#o.maxRequestBytes) {
      throw new AppError('too_large', 'kit.payload_too_large', `Request is ${bytes.length} bytes; the limit is ${this.#o.maxRequestBytes}`, {
        bytes: bytes.length,
        limit: this.#o.maxRequestBytes,
      });
    }
    const breaker = call.breaker === false ? undefined : this.#breaker(op.service);
    const send = () => this.#send(op, bytes, call);
    const once = breaker ? () => breaker.run(send, isInfrastructureFailure) : send;
    const retrying = call.retry ?? op.idempotent;
    const reply = retrying
      ? await retry(once, { attempts: this.#o.attempts, ...this.#o.backoff, retryable: (e) => isInfrastructureFailure(e) && !isOpen(e) })
      : await once();
    return check(op.reply, reply, 'kit.bad_reply', `${op.subject} reply`) as ReplyOf<O>;
  }

  /** The breaker state of each destination seen so far. */
  breakers(): Record<string, string> {
    return Object.fromEntries([...this.#breakers].map(([k, b]) => [k, b.state]));
  }

  async #send(op: Operation, bytes: Uint8Array, call: CallOptions): Promise<unknown> {
    // A batch carries trace ids per call and nothing else: a call with a claim goes alone.
    if (op.batched && !call.idempotency) return this.#batch(op).add(bytes, call, call.timeoutMs ?? this.#o.timeoutMs);
    const headers = traceHeaders(call, op.version);
    if (call.idempotency) headers.set(Headers.idempotency, claimHeader(call.idempotency));
    let msg;
    try {
      msg = await this.#nc.request(op.subject, bytes, { timeout: call.timeoutMs ?? this.#o.timeoutMs, headers });
    } catch (err) {
      throw fromNatsError(err, op.subject);
    }
    const reply = readReply(msg.data);
    if (msg.headers?.get(Headers.replayed) === 'true') call.onReplayed?.();
    return reply;
  }

  #batch(op: Operation): OutgoingBatch {
    let b = this.#batches.get(op.subject);
    if (!b) this.#batches.set(op.subject, (b = new OutgoingBatch(this.#nc, op, this.#o.maxRequestBytes, fromNatsError)));
    return b;
  }

  #breaker(service: string): CircuitBreaker {
    let b = this.#breakers.get(service);
    if (!b) this.#breakers.set(service, (b = new CircuitBreaker(service, this.#o.breaker)));
    return b;
  }
}

const isOpen = (e: unknown) => e instanceof AppError && e.code === 'kit.circuit_open';
