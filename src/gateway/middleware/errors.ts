/**
 * Answers an error: the problem document from problem.ts, with the request id; internal
 * errors are logged with their cause (the client sees only a generic detail and the id);
 * a client that hung up mid-body is logged at debug only (it is not a fault of ours).
 * Used by `app.onError` and, for stored idempotent answers, by the route runner.
 */
import { toAppError, type Logger } from '../../kit/index.ts';
import type { GatewayContext } from '../context.ts';
import { toProblem } from '../problem.ts';
import { CLIENT_ABORTED } from './body.ts';

/** The problem response for `thrown`. */
export function answerError(c: GatewayContext, thrown: unknown, log: Logger): Response {
  const err = toAppError(thrown);
  const p = toProblem(err, c.get('requestId'));
  c.set('errorCode', p.body.code);
  if (err.code === CLIENT_ABORTED) {
    log.debug('client went away mid-body', { method: c.req.method, path: c.req.path, code: err.code, request_id: c.get('requestId'), reason: String((err.cause as Error | undefined)?.message ?? '') });
  }
  if (p.status >= 500) {
    const level = p.status === 500 ? 'error' : 'warn';
    log[level]('request failed', { method: c.req.method, path: c.req.path, code: err.code, request_id: c.get('requestId'), err: err.cause ?? err });
  }
  return new Response(JSON.stringify(p.body), { status: p.status, headers: p.headers });
}
