/**
 * Answers for requests that never reach the app because Node's HTTP layer stops them
 * first — a request line or header the parser refuses, headers over the size limit, a
 * `CONNECT`, an `Expect` other than `100-continue` — or that the Hono adapter cannot make a
 * `Request` of (no `Host`, as in HTTP/1.0 and 0.9; a malformed URL). Node and the adapter
 * would answer these with a bare status and no body; here they get the same problem+json as everything else (code
 * `gateway.bad_http`, `gateway.headers_too_large`, `gateway.request_timeout`,
 * `gateway.method_not_allowed`, `gateway.expectation_failed`; statuses in problem.ts).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError } from '../kit/index.ts';
import { problemResponse, toProblem, writeProblem } from './problem.ts';

// Node's parser errors that have a code (and so a status) of their own (node: lib/_http_server.js).
const CODE_OF_PARSE_ERROR: Readonly<Record<string, { code: string; detail: string }>> = {
  HPE_HEADER_OVERFLOW: { code: 'gateway.headers_too_large', detail: 'The request headers are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { code: 'gateway.request_timeout', detail: 'The request took too long to arrive' },
};

/** Installs the answers on `server`. */
export function answerWireErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // As node does: nothing to say to a reset socket, or once an answer has begun on it.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) return void socket.destroy();
    const { code, detail } = CODE_OF_PARSE_ERROR[err.code ?? ''] ?? { code: 'gateway.bad_http', detail: 'The request is not valid HTTP/1.1' };
    writeProblem(socket, new AppError('validation', code, detail, { reason: err.code }));
  });
  // CONNECT is handed to 'connect' listeners, not the app; without one node drops the socket.
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => undefined); // the client may be gone already
    writeProblem(socket, new AppError('validation', 'gateway.method_not_allowed', 'CONNECT is not allowed: this is not a proxy', { allow: [] }));
  });
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const p = toProblem(new AppError('validation', 'gateway.expectation_failed', `Expect: ${String(req.headers.expect).slice(0, 100)} is not supported (only 100-continue)`));
    const body = JSON.stringify(p.body);
    res.writeHead(p.status, { ...p.headers, 'content-length': Buffer.byteLength(body), connection: 'close' }).end(body);
  });
}

/** The adapter's error handler: a request it could not build is a 400 problem. */
export function requestError(err: unknown): Response {
  const bad = err instanceof Error && err.name === 'RequestError';
  return problemResponse(bad ? new AppError('validation', 'gateway.bad_http', `The request cannot be read: ${err.message}`) : err);
}
