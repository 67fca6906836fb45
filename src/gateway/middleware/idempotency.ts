/**
 * `Idempotency-Key` on POST: the first request with a key runs and its answer is stored
 * (for `gateway.idempotency_hours`); the same key with the same request replays that
 * answer (status, body, `Location` and `Cache-Control`) with `Idempotent-Replayed: true`
 * and never runs the command again; with another request it is 422; while the first is
 * still running it is 409. Answers of 5xx are not stored (the command may not have
 * happened; the client should retry with the same key).
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../kit/index.ts';
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
  if (found.kind === 'mismatch') {
    throw new AppError('validation', 'gateway.idempotency_mismatch', 'This Idempotency-Key was used with a different request');
  }
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
