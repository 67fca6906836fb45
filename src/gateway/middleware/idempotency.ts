/**
 * `Idempotency-Key` on POST, in two layers (docs/api.md, docs/scaling.md):
 *
 * - In the services, whichever gateway the request or its retry reaches: every command the
 *   gateway sends while answering the request carries a claim (scope, key, which call it
 *   is, the request's fingerprint), and the service applies the command's writes once per
 *   claim, recording the result in the same transaction (kit service/idempotency.ts). A
 *   retry gets the same results, so the gateway builds the same answer from them.
 * - In this gateway's database, the fast path: the first request's whole answer is stored
 *   (for `gateway.idempotency_hours`) and replayed (status, body, `Location`,
 *   `Cache-Control`) without asking anyone; a duplicate while the first is still running
 *   here is 409; another request under the key is 422. Answers of 5xx are not stored (the
 *   command may or may not have been applied: the retry asks the service, which knows).
 *
 * Either way a replay says `Idempotent-Replayed: true`.
 */
import { createHash } from 'node:crypto';
import { AppError, type Operation, type ReplyOf, type RequestOf } from '../../kit/index.ts';
import type { GatewayDeps } from '../deps.ts';
import type { IdempotencyStore } from '../idempotency/store.ts';

const KEY = /^[\x21-\x7e]{1,255}$/;

/** The request's key, or undefined when it sent none; a malformed key is a 400. */
export function idempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!KEY.test(header)) throw new AppError('validation', 'gateway.bad_idempotency_key', 'Idempotency-Key must be 1–255 visible ASCII characters');
  return header;
}

/** What identifies "the same request": method, path and body bytes. */
export function fingerprint(method: string, path: string, body: Uint8Array): string {
  return createHash('sha256').update(`${method} ${path}\n`).update(body).digest('hex');
}

/**
 * Runs `answer` at most once per (scope, key); `answer` must not throw (errors already
 * rendered as problem responses).
 */
export async function once(
  store: IdempotencyStore,
  claim: { scope: string; key: string; fingerprint: string },
  answer: () => Promise<Response>,
): Promise<Response> {
  const { scope, key } = claim;
  const found = await store.begin(scope, key, claim.fingerprint);
  if (found.kind === 'mismatch') throw mismatch();
  if (found.kind === 'in_flight') {
    throw new AppError('conflict', 'gateway.idempotency_in_flight', 'A request with this Idempotency-Key is still being processed');
  }
  if (found.kind === 'replay') {
    const headers: Record<string, string> = { ...found.headers, 'idempotent-replayed': 'true' };
    if (found.contentType) headers['content-type'] = found.contentType;
    return new Response(found.status === 204 ? null : found.body, { status: found.status, headers });
  }
  let res: Response;
  try {
    res = await answer();
  } catch (err) {
    await store.abandon(scope, key);
    throw err;
  }
  if (res.status >= 500) await store.abandon(scope, key);
  else await store.finish(scope, key, res.status, res.headers.get('content-type') ?? '', await res.clone().text(), replayed(res.headers));
  return res;
}

/** The headers that are part of an answer, which a replay repeats (the rest are the moment's). */
const REPLAYED = ['location', 'cache-control', 'content-location'];

function replayed(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of REPLAYED) {
    const value = headers.get(name);
    if (value !== null) out[name] = value;
  }
  return out;
}

/**
 * The claims of one request's commands: the n-th call of an operation in this request is
 * `<subject>#<n>`, the same in the first request and in its retry on any gateway. Tells
 * whether a service answered from its record, and turns a service's mismatch into ours.
 *
 * @example
 * const commands = new CommandClaims({ scope: 'user:1', key: 'k-1', fingerprint }, 24);
 * const group = await commands.call(deps, users.CreateGroup, { actor, name }, requestId);
 */
export class CommandClaims {
  readonly #claim: { scope: string; key: string; fingerprint: string };
  readonly #hours: number;
  readonly #calls = new Map<string, number>();
  /** Whether any service answered from its record (the request was applied before). */
  replayed = false;

  constructor(claim: { scope: string; key: string; fingerprint: string }, hours: number) {
    this.#claim = claim;
    this.#hours = hours;
  }

  /** Sends `data` as `op` through `deps.upstream`, under this request's claim. */
  async call<O extends Operation>(deps: Pick<GatewayDeps, 'upstream'>, op: O, data: RequestOf<O>, requestId: string): Promise<ReplyOf<O>> {
    const n = this.#calls.get(op.subject) ?? 0;
    this.#calls.set(op.subject, n + 1);
    const idempotency = { ...this.#claim, call: `${op.subject}#${n}`, hours: this.#hours };
    try {
      return await deps.upstream.call(op, data, requestId, { idempotency, onReplayed: () => void (this.replayed = true) });
    } catch (err) {
      if (err instanceof AppError && err.code === 'kit.idempotency_mismatch') throw mismatch();
      throw err;
    }
  }
}

const mismatch = () => new AppError('validation', 'gateway.idempotency_mismatch', 'This Idempotency-Key was used with a different request');
