/**
 * Answering requests: `handle(op, fn)` registers a handler for one operation. All of a
 * service's operations share one subscription on `svc.<service>.>` in the queue group
 * `<service>`, so more instances share the work and an unknown operation still gets a
 * typed answer (`kit.unknown_operation`) rather than a timeout. Every request is decoded,
 * checked against its schema, run, and answered with `{ ok }` or `{ error }`; nothing a
 * client sends can crash the process. In-flight requests are tracked so a stop can finish
 * them. A batch of calls to a batched operation (bus/batch.ts) runs each call as its own
 * request, all started together, and answers them in one reply. A request may carry an
 * idempotency claim (bus/idempotency.ts), handed to its handler's context; a reply answered
 * from the claim's record says `Hearth-Idempotent-Replayed: true`.
 */
import { headers as natsHeaders, type Msg, type NatsConnection, type Subscription } from 'nats';
import { decode } from '../codec.ts';
import { check, type Operation, type ParsedRequestOf, type ReplyOf } from '../contract.ts';
import { AppError, toAppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { uuidv7 } from '../ids.ts';
import { Headers } from '../envelope.ts';
import { decodeBatch, encodeBatchReply } from './batch.ts';
import { readClaim, type IdempotencyClaim } from './idempotency.ts';
import { errorReply, okReply, readTrace, type Trace } from './wire.ts';

/** What a handler gets besides the request. */
export interface HandlerContext extends Trace {
  /** The id of this request (becomes the causation id of what it causes). */
  requestId: string;
  log: Logger;
  /**
   * The caller's idempotency claim, if it sent one (bus/idempotency.ts); whoever answers from
   * the claim's record sets `replayed`, and the reply then says so.
   */
  idempotency?: IdempotencyClaim & { replayed: boolean };
}

/** A handler for one operation. */
export type Handler<O extends Operation> = (req: ParsedRequestOf<O>, ctx: HandlerContext) => Promise<ReplyOf<O>> | ReplyOf<O>;

interface Entry {
  op: Operation;
  fn: Handler<Operation>;
}

/**
 * The request side of a service.
 *
 * @example
 * const responder = new Responder(nc, { service: 'notes', log, maxRequestBytes: 262144 });
 * responder.handle(GetNote, async ({ id }) => notes.get(id));
 * responder.listen();
 */
export class Responder {
  readonly #nc: NatsConnection;
  readonly #service: string;
  readonly #log: Logger;
  readonly #max: number;
  readonly #ops = new Map<string, Entry>();
  readonly #subs: Subscription[] = [];
  readonly #inflight = new Set<Promise<void>>();

  constructor(nc: NatsConnection, o: { service: string; log: Logger; maxRequestBytes: number }) {
    this.#nc = nc;
    this.#service = o.service;
    this.#log = o.log;
    this.#max = o.maxRequestBytes;
  }

  /** Registers the handler of `op` (an operation of this service, or a kit subject). */
  handle<O extends Operation>(op: O, fn: Handler<O>): void {
    if (this.#ops.has(op.subject)) throw new Error(`${op.subject} has two handlers`);
    this.#ops.set(op.subject, { op, fn: fn as Handler<Operation> });
  }

  /** Subscribes: `svc.<service>.>` plus any extra subjects (log read, health), all in the queue group. */
  listen(extraSubjects: string[] = []): void {
    for (const subject of [`svc.${this.#service}.>`, ...extraSubjects]) {
      this.#subs.push(
        this.#nc.subscribe(subject, { queue: this.#service, callback: (err, msg) => (err ? this.#log.error('subscription failed', { err }) : this.#track(msg)) }),
      );
    }
  }

  /** Stops taking requests and waits for the ones in flight. */
  async stop(): Promise<void> {
    await Promise.all(this.#subs.map((s) => s.drain().catch(() => undefined))); // already closed: nothing to drain
    while (this.#inflight.size) await Promise.all([...this.#inflight]);
  }

  /** Requests being handled now. */
  get inflight(): number {
    return this.#inflight.size;
  }

  #track(msg: Msg): void {
    const p = this.#dispatch(msg).finally(() => this.#inflight.delete(p));
    this.#inflight.add(p);
  }

  async #dispatch(msg: Msg): Promise<void> {
    const trace = readTrace(msg.headers);
    const requestId = uuidv7();
    const log = this.#log.child({ correlation_id: trace.correlationId || requestId });
    if (!msg.reply) {
      log.warn('request without a reply subject ignored', { subject: msg.subject });
      return;
    }
    let reply: Uint8Array;
    let claim: HandlerContext['idempotency'];
    try {
      const entry = this.#entry(msg.subject, trace.version, msg.data.length);
      const read = readClaim(msg.headers?.get(Headers.idempotency));
      if (read) claim = { ...read, replayed: false };
      if (msg.headers?.get(Headers.batch)) {
        if (!entry.op.batched) throw new AppError('validation', 'kit.invalid_request', `${msg.subject} does not take batches`);
        // A claim names one call; the requester sends a claimed call alone (requester.ts).
        if (claim) throw new AppError('validation', 'kit.invalid_idempotency', 'A batch cannot carry an idempotency claim');
        const calls = decodeBatch(msg.data);
        reply = encodeBatchReply(await Promise.all(calls.map(([correlationId, causationId, data]) => this.#run(entry, data, { correlationId, causationId }))));
      } else {
        reply = await this.#run(entry, msg.data, trace, { requestId, log, claim });
      }
    } catch (err) {
      reply = this.#refuse(err, msg.subject, log);
    }
    try {
      if (claim?.replayed) {
        const h = natsHeaders();
        h.set(Headers.replayed, 'true');
        msg.respond(reply, { headers: h });
      } else msg.respond(reply);
    } catch (err) {
      log.warn('could not send the reply', { subject: msg.subject, err });
    }
  }

  /** The handler of `subject`, if it takes a request of this version and size. */
  #entry(subject: string, version: number | undefined, bytes: number): Entry {
    const entry = this.#ops.get(subject);
    if (!entry) throw new AppError('not_found', 'kit.unknown_operation', `${subject} is not an operation of ${this.#service}`, { subject });
    if (version !== undefined && version > entry.op.version) {
      throw new AppError('validation', 'kit.unsupported_version', `${subject} speaks version ${entry.op.version}, not ${version}`, { supported: entry.op.version });
    }
    if (bytes > this.#max) throw new AppError('too_large', 'kit.payload_too_large', `Request is ${bytes} bytes; the limit is ${this.#max}`, { bytes, limit: this.#max });
    return entry;
  }

  /** Runs one request (alone, or one call of a batch); its reply, or the error it was refused with. */
  async #run(entry: Entry, data: Uint8Array, trace: Partial<Trace>, own?: { requestId: string; log: Logger; claim?: HandlerContext['idempotency'] }): Promise<Uint8Array> {
    const requestId = own?.requestId ?? uuidv7();
    const log = own?.log ?? this.#log.child({ correlation_id: trace.correlationId || requestId });
    try {
      const req = check(entry.op.request, data.length ? decode(data) : undefined, 'kit.invalid_request', `${entry.op.subject} request`);
      const ctx: HandlerContext = { correlationId: trace.correlationId || requestId, causationId: trace.causationId ?? '', requestId, log };
      if (own?.claim) ctx.idempotency = own.claim;
      return okReply(await entry.fn(req, ctx));
    } catch (err) {
      return this.#refuse(err, entry.op.subject, log);
    }
  }

  /** The error reply for `err`; an internal error is logged as a failure, the rest as refusals. */
  #refuse(err: unknown, subject: string, log: Logger): Uint8Array {
    const e = toAppError(err);
    if (e.kind === 'internal') log.error('handler failed', { subject, err: e.cause ?? e });
    else log.debug('request refused', { subject, code: e.code });
    return errorReply(e);
  }
}
