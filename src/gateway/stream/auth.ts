/**
 * Authentication of a stream: the bearer token from a header, the caller's identity from
 * the gateway's authenticator, and when that identity runs out. The authenticator may say
 * when the token expires (`expiresAt`); otherwise a JWT's `exp` is read (the authenticator
 * has verified the token already, so decoding without verifying is sound here).
 */
import { decodeJwt } from 'jose';

/** The gateway's token check (throws an AppError, kind `unauthorized`, for a bad token). */
export type Authenticate = (token: string) => Promise<{ userId: string; sessionId: string; expiresAt?: number }>;

/** Who holds a stream, and until when (epoch ms; undefined: no expiry known). */
export interface Identity {
  userId: string;
  sessionId: string;
  expiresAt: number | undefined;
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | null | undefined): string | undefined {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return m?.[1];
}

/** Verifies a token through the authenticator and works out its expiry. */
export async function identify(authenticate: Authenticate, token: string): Promise<Identity> {
  const who = await authenticate(token);
  return { userId: who.userId, sessionId: who.sessionId, expiresAt: who.expiresAt ?? jwtExpiry(token) };
}

function jwtExpiry(token: string): number | undefined {
  try {
    const exp = decodeJwt(token).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined; // not a JWT (an app password): the authenticator vouched for it without a time limit
  }
}

// setTimeout fires at once for delays beyond 2^31-1 ms; longer waits are taken in steps.
const MAX_DELAY = 2 ** 31 - 1;

/** A timer firing at epoch ms `at`; returns its cancel function. */
export function timerAt(at: number, fire: () => void): () => void {
  let timer: ReturnType<typeof setTimeout>;
  const arm = (): void => {
    const delay = at - Date.now();
    timer = delay > MAX_DELAY ? setTimeout(arm, MAX_DELAY) : setTimeout(fire, Math.max(0, delay));
  };
  arm();
  return () => clearTimeout(timer);
}
