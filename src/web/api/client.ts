/**
 * The API client the app's stores use: `api()` sends a request as the signed-in user
 * (renewing the access token when it is out, and once more when the API says it is), and
 * `explain()` turns any error into words a family member understands (strings.ts).
 */
import { t } from '../strings.ts';
import { ApiError, http, type HttpOptions } from './http.ts';
import { accessToken, end, renew } from './session.ts';

export { ApiError } from './http.ts';

/** What an API call may carry beyond http.ts's options. */
export interface ApiOptions extends HttpOptions {
  /** Send without credentials (instance info, invite preview, register). */
  anonymous?: boolean;
  /** An `Idempotency-Key`, so a retried POST is applied once. */
  idempotencyKey?: string;
}

/**
 * Calls the API as the signed-in user.
 *
 * @example
 * const { groups } = await api<{ groups: Group[] }>('GET', '/v1/groups');
 */
export async function api<T>(method: string, path: string, o: ApiOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.idempotencyKey) headers['idempotency-key'] = o.idempotencyKey;
  if (o.anonymous) return http<T>(method, path, { ...o, headers });
  const send = (token: string) => http<T>(method, path, { ...o, headers: { ...headers, authorization: `Bearer ${token}` } });
  try {
    return await send(await accessToken());
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401 || err.code.startsWith('users.')) throw err;
    // The token ran out (a sleeping laptop) or the key rotated: renew once and try again.
    if (err.code === 'gateway.session_revoked') {
      end('revoked', false);
      throw err;
    }
    return send(await renew());
  }
}

/**
 * An error in words for the person using the app.
 *
 * @example
 * explain(new ApiError(401, 'users.bad_credentials', '…')); // 'Wrong email or password.'
 */
export function explain(err: unknown): string {
  if (!(err instanceof ApiError)) return t.errors.generic;
  if (err.offline) return t.errors.network;
  const known = t.errors.codes[err.code];
  if (known) return known;
  if (err.status === 429) return t.errors.rateLimited(err.retryAfter ?? 60);
  if (err.status === 503 || err.status === 504) return t.errors.unavailable;
  if (err.status >= 500) return t.errors.generic;
  return err.message || t.errors.generic;
}

/** The message for one field of a validation error (`body.email` → its message), if any. */
export function fieldError(err: unknown, field: string): string | undefined {
  if (!(err instanceof ApiError)) return undefined;
  return err.problem?.errors?.find((e) => e.path === `body.${field}`)?.message;
}
