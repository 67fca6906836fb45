/**
 * Who is signed in, and their tokens. The access token lives in memory only; the refresh
 * token is kept in localStorage so a reload or a new tab stays signed in, and is rotated
 * before the access token runs out (at 80 % of its life, and whenever a request finds it
 * expired). Tabs share the one refresh token: a refresh runs under a Web Lock and always
 * starts from the token in storage, so two tabs never spend the same token (the API would
 * end the session, `users.refresh_reused`).
 *
 * A refresh the API refuses ends the session with a reason the sign-in page explains:
 * signed out elsewhere or a changed password (`revoked`), a reused token (`reused`),
 * `expired`. Without a network the session stays (`offline`), so the app opens with its
 * last known state, and renews as soon as the network is back.
 */
import { signal } from '@preact/signals';
import { ApiError, http } from './http.ts';

/** A signed-in session. `token` is empty until the stored session is renewed (or while offline). */
export interface Auth {
  userId: string;
  sessionId: string;
  token: string;
  /** Epoch ms the access token expires at (0: none yet). */
  expiresAt: number;
}

/** Why a session ended (the sign-in page says it in words). */
export type EndReason = 'signed_out' | 'revoked' | 'reused' | 'expired' | 'deleted';

interface Stored {
  userId: string;
  sessionId: string;
  refreshToken: string;
}

interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  userId: string;
  sessionId: string;
}

const KEY = 'hearth.session';
const LOCK = 'hearth.refresh';
/** Renew when this share of the token's life has passed. */
const RENEW_AT = 0.8;

/** The current session, or null when signed out. */
export const auth = signal<Auth | null>(null);
/** Why the last session ended (shown once on the sign-in page). */
export const ended = signal<EndReason | null>(null);
/** True until the stored session (if any) has been tried at start. */
export const restoring = signal(true);
/** Signed in, but the last renewal found no network: the app works from its cache. */
export const offline = signal(false);

let timer: ReturnType<typeof setTimeout> | undefined;
let inflight: Promise<string> | undefined;
const endListeners = new Set<(userId: string, reason: EndReason) => void>();

/** Called when a session ends (to forget the user's cached data, stop the stream …). */
export function onSessionEnd(fn: (userId: string, reason: EndReason) => void): void {
  endListeners.add(fn);
}

const read = (): Stored | undefined => {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Stored | null;
    return s?.refreshToken ? s : undefined;
  } catch {
    return undefined; // unreadable: as if signed out
  }
};
const write = (s: Stored) => localStorage.setItem(KEY, JSON.stringify(s));

function adopt(pair: TokenPair): string {
  write({ userId: pair.userId, sessionId: pair.sessionId, refreshToken: pair.refreshToken });
  const expiresAt = Date.now() + pair.expiresIn * 1000;
  auth.value = { userId: pair.userId, sessionId: pair.sessionId, token: pair.accessToken, expiresAt };
  ended.value = null;
  offline.value = false;
  clearTimeout(timer);
  timer = setTimeout(() => void renew().catch(() => undefined), pair.expiresIn * 1000 * RENEW_AT);
  return pair.accessToken;
}

/** Runs `fn` holding the cross-tab refresh lock (where the browser has Web Locks). */
function locked<T>(fn: () => Promise<T>): Promise<T> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  return locks ? locks.request(LOCK, fn) : fn();
}

/**
 * Gets a fresh access token with the stored refresh token (one at a time, across tabs).
 * Rejects with ApiError: offline (the session stays) or unauthorized (the session ends).
 */
export function renew(): Promise<string> {
  inflight ??= locked(async () => {
    const stored = read();
    if (!stored) {
      end('signed_out', false);
      throw new ApiError(401, 'session.none', 'Not signed in');
    }
    try {
      return adopt(await http<TokenPair>('POST', '/v1/auth/refresh', { body: { refreshToken: stored.refreshToken } }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) end(reasonOf(err.code), false);
      else if (err instanceof ApiError && err.offline) offline.value = true;
      throw err;
    }
  }).finally(() => (inflight = undefined));
  return inflight;
}

function reasonOf(code: string): EndReason {
  if (code === 'users.refresh_reused') return 'reused';
  if (code === 'users.session_expired') return 'expired';
  if (code === 'users.unknown_user') return 'deleted';
  return 'revoked';
}

/** The access token to send now: the current one, or a renewed one when it is (nearly) out. */
export async function accessToken(): Promise<string> {
  const a = auth.value;
  if (a?.token && a.expiresAt - Date.now() > 10_000) return a.token;
  return renew();
}

/**
 * Starts: resumes the stored session, if any. The app opens at once as that person, from
 * their cached state, while the token is renewed; every request waits for the renewal, and
 * a refused one ends the session (the sign-in page then says why).
 */
export function restore(): void {
  const stored = read();
  if (stored) {
    auth.value = { userId: stored.userId, sessionId: stored.sessionId, token: '', expiresAt: 0 };
    void renew().catch(() => undefined);
  }
  restoring.value = false;
}

/**
 * Signs in with email and password, and the two-factor `code` for an account that has it
 * on (without one the API answers `users.code_required`: the sign-in page then asks for it).
 *
 * @example
 * await signIn('ann@example.com', 'correct horse battery');
 * await signIn('ann@example.com', 'correct horse battery', '492039');
 */
export async function signIn(email: string, password: string, code?: string): Promise<void> {
  const pair = await http<TokenPair>('POST', '/v1/auth/login', { body: { email, password, device: deviceName(), ...(code ? { code } : {}) } });
  adopt(pair);
}

/** The error code of an external sign-in that came back refused (`/#oidc-error=<code>`), for the sign-in page. */
export const externalError = signal<string | null>(null);

/**
 * Finishes a sign-in through an external provider: the gateway sent the browser back to
 * `/#oidc=<one-time code>` (a fragment, so no server logs it); the code is taken out of
 * the address bar and traded for the tokens, once.
 */
export async function finishExternalSignIn(): Promise<void> {
  const hash = new URLSearchParams(location.hash.slice(1));
  const code = hash.get('oidc');
  const failed = hash.get('oidc-error');
  if (!code && !failed) return;
  history.replaceState(null, '', location.pathname + location.search);
  if (failed) {
    externalError.value = failed;
    return;
  }
  try {
    adopt(await http<TokenPair>('POST', '/v1/auth/oidc/exchange', { body: { code } }));
  } catch (err) {
    externalError.value = err instanceof ApiError ? err.code : 'auth.oidc_refused';
  }
}

/** Signs out this session (or every session); forgets it here whatever the server says. */
export async function signOut(everywhere = false): Promise<void> {
  const a = auth.value;
  if (a?.token) await http('POST', '/v1/auth/logout', { body: { everywhere }, headers: { authorization: `Bearer ${a.token}` } }).catch(() => undefined);
  end('signed_out', true);
}

/**
 * Ends the session here: forgets the tokens, tells listeners, and (when `everyTab`) the
 * other tabs too — they see the stored session go.
 */
let deletionAsked = false;

/**
 * Says this account's deletion was asked (or, false, that it ended otherwise): whichever
 * part of the app first finds the session refused (a call, the stream), its end is then
 * the account's deletion, not a revocation.
 */
export function expectDeletion(asked: boolean): void {
  deletionAsked = asked;
}

export function end(reason: EndReason, everyTab = true): void {
  if (deletionAsked && reason === 'revoked') reason = 'deleted';
  // Already ended for a reason the server named (a reused token, say): a call refused at the
  // same moment only says "revoked", and must not overwrite the words the person should read.
  if (reason === 'revoked' && auth.value === null && ended.value !== null && ended.value !== 'signed_out') return;
  const userId = auth.value?.userId ?? read()?.userId;
  clearTimeout(timer);
  if (everyTab || read()) localStorage.removeItem(KEY);
  auth.value = null;
  ended.value = reason;
  deletionAsked = false;
  if (userId) for (const fn of endListeners) fn(userId, reason);
}

/** "Chrome on Android" — how the session list names this browser. */
function deviceName(): string {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : '';
  return `Hearth web · ${browser}${os ? ` on ${os}` : ''}`;
}

// Another tab signed out (or its session ended): follow it. Another tab's refresh needs nothing.
window.addEventListener('storage', (e) => {
  if (e.key === KEY && e.newValue === null && auth.value) end('signed_out', false);
});
// Back online after starting offline: renew now.
window.addEventListener('online', () => {
  if (auth.value && offline.value) void renew().catch(() => undefined);
});
// A laptop that slept past the renewal: renew when the page is seen again.
document.addEventListener('visibilitychange', () => {
  const a = auth.value;
  if (document.visibilityState === 'visible' && a?.token && a.expiresAt - Date.now() < 60_000) void renew().catch(() => undefined);
});
