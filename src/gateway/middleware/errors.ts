/**
 * Answers an error: the problem document from problem.ts, with the request id; internal
 * errors are logged with their cause (the client sees only a generic detail and the id).
 * Used by `app.onError` and, for stored idempotent answers, by the route runner.
 */
import { toAppError, type Logger } from '../../kit/index.ts';
import type { GatewayContext } from '../context.ts';
import { toProblem } from '../problem.ts';

/** The problem response for `thrown`. */
export function answerError(c: GatewayContext, thrown: unknown, log: Logger): Response {
  const err = toAppError(thrown);
  const p = toProblem(err, c.get('requestId'));
  c.set('errorCode', p.body.code);
  if (p.status >= 500) {
    const level = p.status === 500 ? 'error' : 'warn';
    log[level]('request failed', { method: c.req.method, path: c.req.path, code: err.code, request_id: c.get('requestId'), err: err.cause ?? err });
  }
  return new Response(JSON.stringify(p.body), { status: p.status, headers: p.headers });
}
