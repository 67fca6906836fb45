/**
 * Authentication of CONNECT: token, a single user and password, or a list of users with
 * passwords or nkeys (nonce signed with Ed25519), as nats-server's configureAuthorization
 * and checkClientAuth do it. Secrets are compared in constant time and never logged.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { fromPublic } from '@nats-io/nkeys';
import type { ConnectOptions } from '../protocol/connect.ts';
import type { AuthorizationOptions, Permissions } from './options.ts';

/** Who a client authenticated as. */
export interface Identity {
  /** The user name or nkey, for logs and /connz; never a secret. */
  name: string;
  permissions?: Permissions;
}

function same(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Decodes nats.js' and nats-server's signature encoding (raw URL base64, or padded). */
function decodeSig(sig: string): Uint8Array | undefined {
  try {
    return new Uint8Array(Buffer.from(sig.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
  } catch {
    return undefined;
  }
}

/** The server's authentication policy. */
export class Authenticator {
  readonly required: boolean;
  /** nats-server sends a nonce only when some user authenticates with an nkey. */
  readonly usesNonce: boolean;

  private readonly auth: AuthorizationOptions | undefined;

  constructor(auth: AuthorizationOptions | undefined) {
    this.auth = auth;
    this.required = !!auth && !!(auth.token || auth.user || auth.users?.length);
    this.usesNonce = !!auth?.users?.some((u) => u.nkey);
  }

  /** A fresh nonce for a connection's INFO, or undefined when none is needed. */
  nonce(): string | undefined {
    // nats-server: 11 random bytes, raw URL base64 (15 characters).
    return this.usesNonce ? randomBytes(11).toString('base64url') : undefined;
  }

  /** The identity CONNECT proves, or undefined for an authorization violation. */
  check(c: ConnectOptions, nonce: string | undefined): Identity | undefined {
    const a = this.auth;
    if (!this.required || !a) return { name: '' };
    if (a.token) return same(c.authToken, a.token) ? { name: 'token' } : undefined;
    if (a.user) return same(c.user, a.user) && same(c.pass, a.password) ? { name: a.user } : undefined;
    if (c.nkey) {
      const u = a.users?.find((e) => e.nkey === c.nkey);
      if (!u || !nonce || !c.sig) return undefined;
      const sig = decodeSig(c.sig);
      try {
        if (!sig || !fromPublic(c.nkey).verify(new TextEncoder().encode(nonce), sig)) return undefined;
      } catch {
        return undefined; // a malformed key or signature is a failed authentication
      }
      return { name: c.nkey, permissions: u.permissions };
    }
    const u = a.users?.find((e) => e.user !== undefined && e.user === c.user);
    if (!u || u.nkey || !same(c.pass, u.password)) return undefined;
    return { name: u.user!, permissions: u.permissions };
  }
}
