/**
 * One HTTP request to the API, same origin, JSON in and out: answers are parsed, a
 * problem+json answer (RFC 9457) becomes an `ApiError` with the API's stable `code`, and a
 * request that never reached the server becomes an `ApiError` with status 0 (`offline`).
 * Authentication is added by client.ts; session.ts uses this directly.
 */

/** A problem document as the API sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  requestId?: string;
  errors?: Array<{ path: string; message: string }>;
}

/** What went wrong with a request: the API's problem, or no answer at all (`status` 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem | undefined;
  /** Seconds to wait, from `Retry-After`. */
  readonly retryAfter: number | undefined;

  constructor(status: number, code: string, message: string, problem?: Problem, retryAfter?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  /** The request never got an answer (no network, server gone). */
  get offline(): boolean {
    return this.status === 0;
  }

  /** Worth trying again later: offline, rate-limited, or the server's own trouble. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** What a request may carry. */
export interface HttpOptions {
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** The answer is a file (a backup to download): resolve with its Blob rather than JSON. */
  binary?: boolean;
}

/**
 * Sends a request; resolves with the parsed JSON (undefined for 204), or the Blob with
 * `binary`; rejects with ApiError.
 *
 * @example
 * const instance = await http<{ version: string }>('GET', '/v1/instance');
 */
export async function http<T>(method: string, path: string, o: HttpOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: o.binary ? '*/*' : 'application/json', ...o.headers };
  let body: string | undefined;
  if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body, signal: o.signal, credentials: 'omit', cache: 'no-store' });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'No answer from the server');
  }
  if (res.ok && o.binary) return (await res.blob()) as T;
  const text = await res.text().catch(() => '');
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined; // a proxy's HTML error page: handled as a problem without details below
  }
  if (res.ok) return json as T;
  const p = (json ?? {}) as Problem;
  const retry = Number(res.headers.get('retry-after'));
  throw new ApiError(res.status, p.code ?? `http.${res.status}`, p.detail ?? res.statusText, p, Number.isFinite(retry) && retry > 0 ? retry : undefined);
}
