/**
 * What one send attempt came to, decided from the HTTP status or the thrown error. The
 * error texts end up in the delivery log a user reads, so they are built from status codes
 * and error codes only — never from an error's message, which may quote the URL (Deno's
 * does), and a target's URL can be a secret (an ntfy topic).
 */

/** The result of one attempt: delivered, worth retrying, or refused for good. */
export type SendResult =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; status: number | null; error: string; retryAfterMs: number | null }
  | { kind: 'refused'; status: number | null; error: string };

/**
 * Sorts a response: 2xx delivered; 408, 429 and 5xx worth another try (honouring
 * `Retry-After`); anything else refused, because the receiver will say the same again.
 *
 * @example
 * classifyResponse(503, '7', Date.now()); // { kind: 'retry', status: 503, error: 'HTTP 503', retryAfterMs: 7000 }
 */
export function classifyResponse(status: number, retryAfter: string | null, nowMs: number): SendResult {
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  if (status === 408 || status === 429 || status >= 500) {
    return { kind: 'retry', status, error: `HTTP ${status}`, retryAfterMs: parseRetryAfter(retryAfter, nowMs) };
  }
  // Redirects are not followed: a signed request must not wander to another host.
  if (status >= 300 && status < 400) return { kind: 'refused', status, error: `HTTP ${status} (redirect; use the final URL)` };
  return { kind: 'refused', status, error: `HTTP ${status}` };
}

const NETWORK: readonly [RegExp, string][] = [
  [/ECONNREFUSED|ConnectionRefused|connection refused/i, 'connection refused'],
  [/ENOTFOUND|EAI_AGAIN|EAI_NONAME|dns error|failed to lookup/i, 'host not found'],
  [/EHOSTUNREACH|ENETUNREACH|unreachable/i, 'host unreachable'],
  [/ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT|TimeoutError|timed out/i, 'timeout'],
  [/ECONNRESET|EPIPE|UND_ERR_SOCKET|ConnectionClosed|connection reset|broken pipe/i, 'connection reset'],
  [/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i, 'TLS error'],
];

/**
 * Sorts a thrown fetch error: network, DNS, TLS and timeouts are worth another try; a port
 * fetch will never use is refused. The text names the kind of failure only.
 *
 * @example
 * classifyError(new TypeError('fetch failed', { cause: Object.assign(new Error(), { code: 'ECONNREFUSED' }) }));
 * // { kind: 'retry', status: null, error: 'connection refused', retryAfterMs: null }
 */
export function classifyError(err: unknown): SendResult {
  const clues = collectClues(err);
  // fetch refuses some ports outright (the spec's "bad ports": 1, 25, 6000 …); no retry helps.
  if (clues.some((c) => /^bad port$|port \d+ are blocked/i.test(c))) return { kind: 'refused', status: null, error: 'port not allowed (fetch blocks it); use another port' };
  const match = NETWORK.find(([re]) => clues.some((c) => re.test(c)));
  const code = clues.find((c) => /^[A-Z][A-Z0-9_]{2,40}$/.test(c));
  const error = match ? match[1] : code ? `network error (${code})` : 'network error';
  return { kind: 'retry', status: null, error, retryAfterMs: null };
}

/** Names, codes and messages along the cause chain (messages only to match, never shown). */
function collectClues(err: unknown, depth = 0, out: string[] = []): string[] {
  if (!err || typeof err !== 'object' || depth > 4) return out;
  const e = err as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  for (const v of [e.code, e.name, e.message]) if (typeof v === 'string' && v) out.push(v);
  collectClues(e.cause, depth + 1, out);
  if (Array.isArray(e.errors)) for (const inner of e.errors.slice(0, 4)) collectClues(inner, depth + 1, out);
  return out;
}

/**
 * `Retry-After` in milliseconds: delta-seconds or an HTTP date; null when absent or unreadable.
 *
 * @example
 * parseRetryAfter('120', Date.now()); // 120000
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
