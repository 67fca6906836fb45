/**
 * The first contact with a database that is not a plain local file — a remote libSQL
 * server (`db.url`) or the primary of an embedded replica (`db.sync_url`) — bounded in
 * time, and its failures in words: which service, which URL (without credentials), what
 * went wrong and what to check. Without the bound a server that accepts connections but
 * never answers made a service wait for ever at start (and an embedded replica's sync
 * blocks the whole process while it waits: libSQL's native code does it synchronously).
 * Every failure here is `storage.unavailable`; the service host serves that reason until
 * the database can be opened (src/supervisor/db-unavailable.ts).
 */
import { AppError } from '../errors.ts';

/** How long the first answer of a remote database or primary may take. */
export const DB_CONNECT_TIMEOUT_MS = 10_000;

/** What a failure to open is about: the database itself (`url`) or the primary of a replica (`sync_url`). */
export interface OpenTarget {
  service?: string;
  /** The configuration key the URL came from: `url` or `sync_url` (of `services.<service>.db`). */
  key: 'url' | 'sync_url';
  url: string;
  /** Removed from every message, wherever the underlying error put it. */
  secrets: readonly string[];
}

/**
 * Asks the primary of an embedded replica `GET /info` — what libSQL's native client asks
 * first — within `timeoutMs`. Any HTTP answer passes except a refused token (a sqld
 * without that route answers 404 and is then spoken to over its older protocol); no
 * answer in time, a refused connection or an unknown host throws `storage.unavailable`.
 * The native client has no timeout of its own, so this is what bounds a silent primary.
 */
export async function probePrimary(target: OpenTarget, authToken: string | undefined, timeoutMs = DB_CONNECT_TIMEOUT_MS): Promise<void> {
  // libsql:// is https:// to the native client (a special scheme cannot be swapped on a URL object).
  const base = new URL(target.url.replace(/^libsql:/i, 'https:'));
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw openFailure(target, `libSQL's embedded replicas sync over http(s):// or libsql://, not ${base.protocol}//`, 'Use the primary\'s libsql:// or https:// URL');
  }
  base.pathname = base.pathname.replace(/\/$/, '') + '/info';
  base.search = '';
  let status: number;
  try {
    const res = await fetch(base, {
      headers: authToken ? { authorization: `Bearer ${authToken}` } : {},
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = res.status;
    await res.body?.cancel();
  } catch (err) {
    throw describeOpenFailure(target, err, timeoutMs);
  }
  if (status === 401 || status === 403) throw describeOpenFailure(target, new Error(`HTTP status ${status}`), timeoutMs);
}

/** `p`, or a `storage.unavailable` "no answer" once `timeoutMs` has passed. */
export async function withinConnectTimeout<T>(target: OpenTarget, p: Promise<T>, timeoutMs = DB_CONNECT_TIMEOUT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError()), timeoutMs);
  });
  try {
    return await Promise.race([p, late]);
  } catch (err) {
    throw describeOpenFailure(target, err, timeoutMs);
  } finally {
    clearTimeout(timer);
  }
}

/** Our own timeout, told apart from a timeout the server reported. */
class DeadlineError extends Error {}

/**
 * `err` (from the libSQL client, fetch, or the native replica) as `storage.unavailable`:
 * what happened in words and what to check. Already-described errors pass through.
 */
export function describeOpenFailure(target: OpenTarget, err: unknown, timeoutMs = DB_CONNECT_TIMEOUT_MS): AppError {
  if (err instanceof AppError && err.code === 'storage.unavailable') return err;
  const text = chainText(err);
  const server = target.key === 'sync_url' ? 'the primary' : 'the libSQL server';
  const setting = settingName(target);
  if (err instanceof DeadlineError || /TimeoutError|aborted due to timeout/i.test(text)) {
    return openFailure(target, `no answer within ${timeoutMs / 1000} s`,
      `The address accepts connections but does not answer like a libSQL server: check the port, and any proxy or firewall in between`);
  }
  if (/ECONNREFUSED|connection refused/i.test(text)) {
    return openFailure(target, 'connection refused', `Check that ${server} is running and listening at that address (${setting})`);
  }
  if (/ENOTFOUND|EAI_AGAIN|EAI_NONAME|dns error|failed to lookup address|Name or service not known/i.test(text)) {
    return openFailure(target, 'the host name does not resolve', `Check the host name in ${setting}, and that this machine's network and DNS are up`);
  }
  if (/ECONNRESET|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|socket hang up|other side closed/i.test(text)) {
    return openFailure(target, `the connection failed (${firstLine(text, target.secrets)})`, `Check that ${server} is reachable from this machine`);
  }
  if (/\b(401|403)\b/.test(text) && /status|HTTP|response/i.test(text)) {
    return openFailure(target, 'the server refused the credentials', `Check services.${target.service ?? '<name>'}.db.auth_token`);
  }
  if (/Unable to open connection to local database|SQLITE_CANTOPEN|unable to open database file/i.test(text)) {
    return openFailure(target, 'cannot open or create the file', 'Check that its directory exists and that Hearth may write to it');
  }
  if (/URL that includes credentials/i.test(text)) {
    return openFailure(target, 'the URL holds a user name or password, which the libSQL client cannot send', `Put the token in services.${target.service ?? '<name>'}.db.auth_token and leave it out of ${setting}`);
  }
  if (/URL_INVALID|URL_SCHEME_NOT_SUPPORTED|Invalid URL/i.test(text)) {
    return openFailure(target, `not a URL the libSQL client accepts (${firstLine(text, target.secrets)})`, `Check ${setting}`);
  }
  if (/HTTP status|Unexpected server response|not valid JSON|JsonDecode|Invalid header|PrimaryHandshake|HRANA|SERVER_ERROR|unexpected|protocol/i.test(text)) {
    return openFailure(target, `the server answered, but not as a libSQL server (${firstLine(text, target.secrets)})`,
      `Check that ${setting} names ${target.key === 'sync_url' ? 'a libSQL primary (sqld or Turso)' : 'a libSQL server (sqld or Turso)'}: its scheme, host and port`);
  }
  return openFailure(target, firstLine(text, target.secrets), `Check ${setting}`);
}

/** The error itself, named once. */
function openFailure(target: OpenTarget, what: string, advice: string): AppError {
  const who = target.service ? `The ${target.service} service cannot open its database` : 'Cannot open the database';
  const where = target.key === 'sync_url' ? `: the primary ${redactUrl(target.url)} of its replica` : ` ${redactUrl(target.url)}`;
  return new AppError('unavailable', 'storage.unavailable', scrub(`${who}${where}: ${what}. ${advice}.`, target.secrets), {
    service: target.service,
    url: redactUrl(target.url),
  });
}

function settingName(target: OpenTarget): string {
  return `services.${target.service ?? '<name>'}.db.${target.key}`;
}

/** Every message down the `cause` chain, and error codes, as one text to match on. */
function chainText(err: unknown): string {
  const parts: string[] = [];
  for (let e = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    if (typeof e !== 'object') {
      parts.push(String(e));
      break;
    }
    const { name, code, message } = e as { name?: unknown; code?: unknown; message?: unknown };
    parts.push([name, code, message].filter((x) => typeof x === 'string' && x !== '').join(' '));
  }
  return parts.join(' | ');
}

/** The first line of the underlying error's text, short, without secrets. */
function firstLine(text: string, secrets: readonly string[]): string {
  const line = scrub(text, secrets).split('\n')[0]!.replace(/^Error /, '');
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** A URL without credentials or query (which may hold a token). */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//').replace(/\?.*$/, '');
}

/** `text` with every secret and every URL's credentials removed. */
function scrub(text: string, secrets: readonly string[]): string {
  let out = text.replace(/(\/\/)[^@/\s]*@/g, '$1');
  for (const s of secrets) if (s) out = out.split(s).join('[redacted]');
  return out;
}
