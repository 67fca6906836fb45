/**
 * Answers for requests that never reach the app because Node's HTTP layer stops them
 * first — a request line or header the parser refuses, headers over the size limit, a
 * `CONNECT`, an `Expect` other than `100-continue` — or that the Hono adapter cannot make a
 * `Request` of (no `Host`, as in HTTP/1.0 and 0.9; a malformed URL). Node and the adapter
 * would answer these with a bare status and no body; here they get the same problem+json as everything else (code
 * `gateway.bad_http`, `gateway.method_not_allowed`, `gateway.expectation_failed`).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError } from '../kit/index.ts';
import { problemResponse, toProblem } from './problem.ts';

const REASONS: Readonly<Record<number, string>> = { 400: 'Bad Request', 405: 'Method Not Allowed', 408: 'Request Timeout', 417: 'Expectation Failed', 431: 'Request Header Fields Too Large' };

// Node's parser error codes that have a status of their own (node: lib/_http_server.js).
const STATUS_OF_PARSE_ERROR: Readonly<Record<string, number>> = { HPE_HEADER_OVERFLOW: 431, ERR_HTTP_REQUEST_TIMEOUT: 408 };

/** Installs the answers on `server`. */
export function answerWireErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const status = STATUS_OF_PARSE_ERROR[err.code ?? ''] ?? 400;
    // As node does: nothing to say to a reset socket, or once an answer has begun on it.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) return void socket.destroy();
    const detail = status === 431 ? 'The request headers are too large' : status === 408 ? 'The request took too long to arrive' : 'The request is not valid HTTP/1.1';
    writeRaw(socket, status, new AppError('validation', 'gateway.bad_http', detail, { reason: err.code }));
  });
  // CONNECT is handed to 'connect' listeners, not the app; without one node drops the socket.
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => undefined); // the client may be gone already
    writeRaw(socket, 405, new AppError('validation', 'gateway.method_not_allowed', 'CONNECT is not allowed: this is not a proxy', { allow: [] }));
  });
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const p = toProblem(new AppError('validation', 'gateway.expectation_failed', `Expect: ${String(req.headers.expect).slice(0, 100)} is not supported (only 100-continue)`));
    const body = JSON.stringify({ ...p.body, status: 417, title: REASONS[417] });
    res.writeHead(417, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(body), connection: 'close' }).end(body);
  });
}

/** The adapter's error handler: a request it could not build is a 400 problem. */
export function requestError(err: unknown): Response {
  const bad = err instanceof Error && err.name === 'RequestError';
  return problemResponse(bad ? new AppError('validation', 'gateway.bad_http', `The request cannot be read: ${err.message}`) : err);
}

function writeRaw(socket: Duplex, status: number, err: AppError): void {
  const p = toProblem(err);
  const body = JSON.stringify({ ...p.body, status, title: REASONS[status] ?? p.body.title });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? ''}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
