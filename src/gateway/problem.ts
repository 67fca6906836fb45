/**
 * The one place errors become HTTP: an AppError's kind (or, for the few answers HTTP has
 * and the kit has no kind for, its gateway code) picks the status, and the error becomes
 * an RFC 9457 `application/problem+json` body with `type`, `title`, `status`, `detail`,
 * `code`, and `errors: [{ path, message }]` for validation. Internal errors never show
 * their message; unavailable and timeout answers carry `Retry-After`.
 */
import type { Duplex } from 'node:stream';
import { AppError, toAppError, type ErrorKind } from '../kit/index.ts';

/** HTTP status of each error kind. */
export const STATUS_OF_KIND: Readonly<Record<ErrorKind, number>> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  insufficient_storage: 507,
  unavailable: 503,
  timeout: 504,
  internal: 500,
};

/** Gateway codes whose HTTP status is more precise than their kind's. */
export const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  'gateway.method_not_allowed': 405,
  'gateway.unsupported_media_type': 415,
  'gateway.idempotency_mismatch': 422,
  'gateway.rate_limited': 429,
  // "Locate now" asked too often about the same member (the location service counts: services/location/phones).
  'location.locate_too_often': 429,
  'stream.upgrade_required': 426,
  // An export whose download link ran out (its files are gone): 410, not 404 — there was one.
  'export.expired': 410,
  // Answered before the app sees the request (wire-errors.ts): Node's parser's own statuses.
  'gateway.request_timeout': 408,
  'gateway.expectation_failed': 417,
  'gateway.headers_too_large': 431,
};

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  417: 'Expectation Failed',
  422: 'Unprocessable Content',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  507: 'Insufficient Storage',
};

/** Seconds a client is told to wait when a service is unavailable and nothing better is known. */
export const DEFAULT_RETRY_AFTER_S = 5;

/** One field-level problem. */
export interface FieldError {
  path: string;
  message: string;
}

/** An RFC 9457 problem document as Hearth writes it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
  /** The groups a refusal is about (`users.owner_must_transfer`: transfer or delete these first). */
  groupIds?: string[];
  requestId?: string;
}

/** A rendered problem: status, body and the headers that belong with it. */
export interface RenderedProblem {
  status: number;
  body: Problem;
  headers: Record<string, string>;
}

/**
 * Turns anything thrown into a problem.
 *
 * @example
 * toProblem(new AppError('not_found', 'membership.not_a_member', 'No such group')).status; // 404
 */
export function toProblem(thrown: unknown, requestId?: string): RenderedProblem {
  const err = toAppError(thrown);
  const special = STATUS_OF_CODE[err.code];
  const status = special ?? STATUS_OF_KIND[err.kind] ?? 500;
  const body: Problem = {
    // A code with its own status is its own problem type (`…:rate_limited`), not its kind's.
    type: `urn:hearth:problem:${special ? err.code.slice(err.code.indexOf('.') + 1) : err.kind}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail: err.kind === 'internal' ? 'Internal error; the request id leads to the log entry' : err.message,
    code: err.code,
  };
  const errors = fieldErrors(err);
  if (errors) body.errors = errors;
  const groupIds = (err.details as { groupIds?: unknown } | undefined)?.groupIds;
  if (err.kind !== 'internal' && Array.isArray(groupIds) && groupIds.every((g) => typeof g === 'string')) body.groupIds = groupIds;
  if (requestId) body.requestId = requestId;
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (status === 503 || status === 504 || status === 429) headers['retry-after'] = String(retryAfter(err));
  if (status === 405) headers.allow = allowOf(err);
  if (status === 401) headers['www-authenticate'] = 'Bearer realm="hearth"';
  if (status === 426) headers.upgrade = 'websocket';
  return { status, body, headers };
}

/** The problem as a Response. */
export function problemResponse(thrown: unknown, requestId?: string): Response {
  const p = toProblem(thrown, requestId);
  return new Response(JSON.stringify(p.body), { status: p.status, headers: p.headers });
}

/**
 * Writes the problem as a whole HTTP/1.1 answer on a raw socket and closes it: for requests
 * refused before a Request exists (Node's parser, a WebSocket upgrade).
 */
export function writeProblem(socket: Duplex, thrown: unknown): void {
  const p = toProblem(thrown);
  const body = JSON.stringify(p.body);
  const headers = Object.entries({ ...p.headers, connection: 'close', 'content-length': String(Buffer.byteLength(body)) })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${p.status} ${p.body.title}\r\n${headers}\r\n${body}`, () => socket.destroy());
}

function fieldErrors(err: AppError): FieldError[] | undefined {
  if (err.kind !== 'validation') return undefined;
  const issues = (err.details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return undefined;
  return issues
    .filter((i): i is FieldError => typeof i?.path === 'string' && typeof i?.message === 'string')
    .map((i) => ({ path: i.path, message: i.message }));
}

function retryAfter(err: AppError): number {
  const s = (err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof s === 'number' && Number.isFinite(s) && s > 0 ? Math.ceil(s) : DEFAULT_RETRY_AFTER_S;
}

function allowOf(err: AppError): string {
  const allow = (err.details as { allow?: unknown } | undefined)?.allow;
  return Array.isArray(allow) ? allow.join(', ') : '';
}
