/**
 * The `authorization` block (opts.go parseAuthorization and parseUsers at v2.9.10): a
 * token, a single user and password, or a list of users with passwords or nkeys, each
 * with optional permissions, plus the CONNECT timeout.
 */
import { fromPublic } from '@nats-io/nkeys';
import type { AuthorizationOptions, Permissions, UserEntry } from '../server/options.ts';
import { isUsedAsVariable } from './conf-meta.ts';
import { asMap, asString, confError, confWarning, describe, field } from './conf-values.ts';
import type { ConfMap, Field, ReadContext } from './conf-values.ts';
import { toPermissions } from './to-permissions.ts';

/** Reads an authorization map; throws on the combinations nats-server refuses. */
export function toAuthorization(f: Field, v: unknown, ctx: ReadContext): AuthorizationOptions {
  const m = asMap(f, v);
  const out: AuthorizationOptions = {};
  let users: UserEntry[] | undefined;
  let defaults: Permissions | undefined;
  let defaultsField: Field | undefined;
  for (const key of Object.keys(m)) {
    const kf = field(m, key, f.path);
    switch (key.toLowerCase()) {
      case 'user':
      case 'username':
        out.user = asString(kf, m[key]);
        break;
      case 'pass':
      case 'password':
        out.password = plainPassword(kf, m[key]);
        break;
      case 'token':
        out.token = asString(kf, m[key]);
        break;
      case 'timeout':
        out.timeout = timeoutMs(kf, m[key], ctx);
        break;
      case 'users':
        users = toUsers(kf, m[key], ctx);
        break;
      case 'default_permission':
      case 'default_permissions':
      case 'permissions':
        defaults = toPermissions(kf, m[key]);
        defaultsField = kf;
        break;
      case 'auth_callout': // nats-server 2.10
      case 'auth_hook':
        ctx.ignored.push(kf.path);
        break;
      default:
        if (!isUsedAsVariable(m, key)) throw confError(kf, `unknown field "${key}"`);
    }
  }
  if ((out.user || out.password) && out.token) throw confError(f, 'Cannot have a user/pass and token');
  if (users) {
    // `users: []` still counts as a users array for these checks (opts.go).
    if (out.user) throw confError(f, 'Can not have a single user/pass and a users array');
    if (out.token) throw confError(f, 'Can not have a token and a users array');
    checkDuplicates(f, users);
    if (defaults) for (const u of users) u.permissions ??= defaults;
    if (users.length > 0) out.users = users;
  }
  if (defaults && defaultsField && !users?.length) {
    // nats-server applies authorization-level permissions only to `users` entries; a
    // single user or token is unrestricted (probed against 2.9.10).
    ctx.warnings.push(confWarning(defaultsField, 'nats-server applies these only to entries of authorization.users, so they have no effect here'));
  }
  if (out.timeout === undefined) delete out.timeout;
  return out;
}

/** Seconds, whole or fractional, to ms. nats-server reads any other type as 1 second. */
function timeoutMs(f: Field, v: unknown, ctx: ReadContext): number | undefined {
  if (typeof v === 'number') return v === 0 ? undefined : v * 1000;
  ctx.warnings.push(confWarning(f, `expected a number of seconds, got ${describe(v)}; using 1 second as nats-server does`));
  return 1000;
}

function toUsers(f: Field, v: unknown, ctx: ReadContext): UserEntry[] {
  if (!Array.isArray(v)) throw confError(f, `expected users field to be an array, got ${describe(v)}`);
  return v.map((entry, i) => toUser({ ...f, path: `${f.path}[${i}]` }, entry, ctx));
}

function toUser(f: Field, v: unknown, ctx: ReadContext): UserEntry {
  const m: ConfMap = asMap(f, v, 'user entry to be a map');
  const u: UserEntry = {};
  for (const key of Object.keys(m)) {
    const kf = field(m, key, f.path);
    switch (key.toLowerCase()) {
      case 'nkey':
        u.nkey = asString(kf, m[key]);
        break;
      case 'user':
      case 'username':
        u.user = asString(kf, m[key]);
        break;
      case 'pass':
      case 'password':
        u.password = plainPassword(kf, m[key]);
        break;
      case 'permission':
      case 'permissions':
      case 'authorization':
        u.permissions = toPermissions(kf, m[key]);
        break;
      case 'allowed_connection_types':
      case 'connection_types':
      case 'clients':
        // Ignoring a restriction would let the user in by other ways than configured.
        throw confError(kf, `${key} is not supported by this broker; use nats-server for it`);
      default:
        if (!isUsedAsVariable(m, key)) throw confError(kf, `unknown field "${key}"`);
    }
  }
  if (!u.nkey && !u.user) throw confError(f, 'User entry requires a user');
  if (u.nkey) {
    if (!isPublicUserNkey(u.nkey)) throw confError(f, 'Not a valid public nkey for a user');
    if (u.user || u.password) throw confError(f, 'Nkey users do not take usernames or passwords');
  }
  return u;
}

function isPublicUserNkey(key: string): boolean {
  if (!key.startsWith('U')) return false;
  try {
    fromPublic(key);
    return true;
  } catch {
    // Any decoding failure (bad base32, bad checksum) means "not a valid key".
    return false;
  }
}

function checkDuplicates(f: Field, users: UserEntry[]): void {
  const seen = new Set<string>();
  for (const u of users) {
    const name = u.nkey ?? u.user ?? '';
    if (seen.has(name)) throw confError(f, `Duplicate ${u.nkey ? 'nkey' : 'user'} ${JSON.stringify(name)} detected`);
    seen.add(name);
  }
}

/** A password as written; bcrypt hashes ("$2a$...") are refused rather than compared as text. */
function plainPassword(f: Field, v: unknown): string {
  const p = asString(f, v);
  if (/^\$2[abxy]?\$\d\d\$/.test(p)) throw confError(f, 'bcrypt passwords are not supported by this broker; use a plain password or nats-server');
  return p;
}
