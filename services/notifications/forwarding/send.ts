/**
 * One attempt, without state: build the request for the target's kind, post it with a
 * timeout and without following redirects, and sort what came back (classify.ts). Never
 * throws: every way an attempt can end is a `SendResult`.
 */
import type { notifications } from '../../../src/contracts/index.ts';
import { AppError } from '../../../src/kit/index.ts';
import { classifyError, classifyResponse, type SendResult } from './classify.ts';
import { ntfyRequest, type LinkBase } from './ntfy.ts';
import type { TargetRow } from './queue.ts';
import { webhookRequest } from './webhook.ts';

/** Arguments for fetch. */
export interface OutgoingRequest {
  url: string;
  init: RequestInit;
}

type Builder = (t: TargetRow, m: notifications.ForwardMessage, deliveryId: number, nowMs: number, links: LinkBase) => OutgoingRequest;
const BUILDERS: Record<string, Builder> = { ntfy: (t, m, _id, _now, links) => ntfyRequest(t, m, links), webhook: webhookRequest };

/**
 * The request for one delivery (`message` as stored: JSON), or a refusal when it cannot be
 * built — an unknown kind, a bad URL or message. Refusal texts never quote the URL.
 *
 * @example
 * const req = buildRequest(target, row.message, row.id, Date.now(), { publicUrl: 'https://hearth.example.home' });
 */
export function buildRequest(target: TargetRow, message: string, deliveryId: number, nowMs: number, links: LinkBase = {}): OutgoingRequest | SendResult {
  const build = BUILDERS[target.kind];
  if (!build) return { kind: 'refused', status: null, error: 'unknown target kind' };
  try {
    return build(target, JSON.parse(message) as notifications.ForwardMessage, deliveryId, nowMs, links);
  } catch (err) {
    // Our own validation texts are safe to show; anything else (a URL parser's) may quote the URL.
    return { kind: 'refused', status: null, error: err instanceof AppError ? err.message : 'cannot build the request (bad URL or message)' };
  }
}

/**
 * Posts `req` and sorts the outcome.
 *
 * @example
 * const result = await post(fetch, req, 10_000, Date.now);
 */
export async function post(fetchFn: typeof fetch, req: OutgoingRequest, timeoutMs: number, now: () => number): Promise<SendResult> {
  try {
    // Redirects are not followed: a signed request must not wander to another host.
    const res = await fetchFn(req.url, { ...req.init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel().catch(() => undefined); // the answer's body is not needed; free the connection
    return classifyResponse(res.status, res.headers.get('retry-after'), now());
  } catch (err) {
    return classifyError(err);
  }
}
