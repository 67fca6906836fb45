/**
 * Batched operations (`batched: true` in a command's contract): the calls a process makes to
 * such an operation in one turn of its event loop travel as one message, and the callee
 * runs each as its own request and answers all in one reply. Concurrent callers (phones
 * posting fixes at once) then cost one broker round trip between them, and the callee's
 * handlers, started together, share one group-commit transaction. Nothing else changes for
 * a caller: each call is checked, answered, refused and timed out as its own, and a call
 * alone in its turn goes as a plain request.
 *
 * On the wire: the `Hearth-Batch` header holds the number of calls; the body is
 * `{ batch: [[correlationId, causationId, request], …] }` with each request as the bytes
 * it would be alone, and the reply `{ batch: [reply, …] }` in the same order, each as the
 * bytes of a plain reply (`{ ok }` or `{ error }`, wire.ts).
 */
import type { NatsConnection } from 'nats';
import { decode, encode } from '../codec.ts';
import type { Operation } from '../contract.ts';
import { Headers } from '../envelope.ts';
import { AppError } from '../errors.ts';
import { readReply, traceHeaders, type Trace } from './wire.ts';

/** Most calls in one batch (also what a callee accepts). */
export const MAX_BATCH_CALLS = 256;

/** Bytes a batch adds per call around its request and trace ids (MessagePack headers), rounded up; and once per batch. */
const PER_CALL_OVERHEAD = 24;
const PER_BATCH_OVERHEAD = 16;
const utf8 = new TextEncoder();

/** One call as it travels in a batch: its trace ids and its request's bytes. */
export type BatchedCall = [correlationId: string, causationId: string, request: Uint8Array];

/** Encodes a batch's body. */
export function encodeBatch(calls: readonly BatchedCall[]): Uint8Array {
  return encode({ batch: calls });
}

/** Decodes a batch's body, or throws a validation error naming what is wrong with it. */
export function decodeBatch(bytes: Uint8Array): BatchedCall[] {
  let body: unknown;
  try {
    body = decode(bytes);
  } catch {
    throw new AppError('validation', 'kit.invalid_request', 'The batch is not valid MessagePack');
  }
  const calls = (body as { batch?: unknown } | null)?.batch;
  const isCall = (c: unknown): c is BatchedCall =>
    Array.isArray(c) && c.length === 3 && typeof c[0] === 'string' && typeof c[1] === 'string' && c[2] instanceof Uint8Array;
  if (!Array.isArray(calls) || calls.length === 0 || calls.length > MAX_BATCH_CALLS || !calls.every(isCall)) {
    throw new AppError('validation', 'kit.invalid_request', `A batch holds 1 to ${MAX_BATCH_CALLS} calls, each [correlation id, causation id, request bytes]`);
  }
  return calls;
}

/** Encodes the replies of a batch, in the calls' order. */
export function encodeBatchReply(replies: readonly Uint8Array[]): Uint8Array {
  return encode({ batch: replies });
}

/**
 * The replies of a batch, one per call; a callee that refused the batch as a whole (too
 * large, unknown operation) answered one plain error, thrown here for every call.
 */
function batchReplies(bytes: Uint8Array, calls: number): Uint8Array[] {
  let replies: unknown;
  try {
    replies = (decode(bytes) as { batch?: unknown } | null)?.batch;
  } catch {
    readReply(bytes); // throws kit.bad_reply
  }
  if (Array.isArray(replies) && replies.length === calls && replies.every((r) => r instanceof Uint8Array)) return replies;
  readReply(bytes); // throws the error it carries, or kit.bad_reply
  throw new AppError('internal', 'kit.bad_reply', `The service answered a batch of ${calls} calls without one reply per call`);
}

interface Waiting {
  call: BatchedCall;
  timeoutMs: number;
  resolve(reply: unknown): void;
  reject(err: unknown): void;
}

/**
 * The calls to one batched operation waiting for the end of this turn.
 *
 * @example
 * const out = new OutgoingBatch(nc, RecordFixes, 262_144, fromNatsError);
 * const reply = await out.add(bytes, { correlationId, causationId }, 5000); // readReply's result
 */
export class OutgoingBatch {
  readonly #nc: NatsConnection;
  readonly #op: Operation;
  readonly #maxBytes: number;
  readonly #fail: (err: unknown, subject: string) => AppError;
  #waiting: Waiting[] = [];
  #bytes = 0;

  constructor(nc: NatsConnection, op: Operation, maxBytes: number, fail: (err: unknown, subject: string) => AppError) {
    this.#nc = nc;
    this.#op = op;
    this.#maxBytes = maxBytes;
    this.#fail = fail;
  }

  /** Queues one call's request bytes; resolves with its reply's result or rejects with its error. */
  add(request: Uint8Array, trace: Partial<Trace>, timeoutMs: number): Promise<unknown> {
    const correlationId = trace.correlationId ?? '';
    const causationId = trace.causationId ?? '';
    const size = request.length + utf8.encode(correlationId).length + utf8.encode(causationId).length + PER_CALL_OVERHEAD;
    // What the callee accepts in one message: send what waits first.
    if (this.#waiting.length && (PER_BATCH_OVERHEAD + this.#bytes + size > this.#maxBytes || this.#waiting.length >= MAX_BATCH_CALLS)) this.#flush();
    return new Promise((resolve, reject) => {
      if (this.#waiting.length === 0) setImmediate(() => this.#flush());
      this.#waiting.push({ call: [correlationId, causationId, request], timeoutMs, resolve, reject });
      this.#bytes += size;
    });
  }

  #flush(): void {
    const waiting = this.#waiting;
    if (waiting.length === 0) return;
    this.#waiting = [];
    this.#bytes = 0;
    void (waiting.length === 1 ? this.#one(waiting[0]!) : this.#many(waiting));
  }

  /** Alone in its turn: a plain request. */
  async #one(w: Waiting): Promise<void> {
    const [correlationId, causationId, request] = w.call;
    try {
      const msg = await this.#nc.request(this.#op.subject, request, { timeout: w.timeoutMs, headers: traceHeaders({ correlationId, causationId }, this.#op.version) });
      w.resolve(readReply(msg.data));
    } catch (err) {
      w.reject(err instanceof AppError ? err : this.#fail(err, this.#op.subject));
    }
  }

  async #many(waiting: Waiting[]): Promise<void> {
    let replies: unknown;
    try {
      const headers = traceHeaders({}, this.#op.version);
      headers.set(Headers.batch, String(waiting.length));
      // The longest timeout asked for: a batch is answered as a whole.
      const timeout = Math.max(...waiting.map((w) => w.timeoutMs));
      const msg = await this.#nc.request(this.#op.subject, encodeBatch(waiting.map((w) => w.call)), { timeout, headers });
      replies = batchReplies(msg.data, waiting.length);
    } catch (err) {
      const e = err instanceof AppError ? err : this.#fail(err, this.#op.subject);
      for (const w of waiting) w.reject(e);
      return;
    }
    waiting.forEach((w, i) => {
      try {
        w.resolve(readReply((replies as Uint8Array[])[i]!));
      } catch (err) {
        w.reject(err);
      }
    });
  }
}
