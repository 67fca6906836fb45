/**
 * Keeping secrets out of output: `hearth config`, error messages and logs show
 * "[redacted]" for passwords, tokens and secrets, and for the password or token inside a URL.
 */
import type { HearthConfig } from './schema.ts';

/** What a secret is replaced with. */
export const REDACTED = '[redacted]';

const SECRET_KEY = /(password|passphrase|token|secret|secret_access_key)$/i;
const URL_USERINFO = /^([a-z][a-z0-9+.-]*:\/\/[^:/@?#]*):[^@/?#]*@/i;
const URL_SECRET_PARAM = /([?&](?:auth_?token|token|password|secret|access_token)=)[^&#]*/gi;

/** True for keys whose values are secrets: `password`, `passphrase`, `token`, `auth_token`, `*_secret`, `secret_access_key` … */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** `s` with a URL's password (`nats://u:p@h`) and token-like query parameters redacted. */
export function redactUrlSecrets(s: string): string {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(s)) return s;
  return s.replace(URL_USERINFO, `$1:${REDACTED}@`).replace(URL_SECRET_PARAM, `$1${REDACTED}`);
}

/**
 * A deep copy of `value` with every non-empty secret replaced by "[redacted]".
 *
 * @example
 * redact({ broker: { password: 'hunter2', user: 'me' } }); // { broker: { password: '[redacted]', user: 'me' } }
 */
export function redact<T>(value: T): T {
  return copy(value, false) as T;
}

function copy(value: unknown, secret: boolean): unknown {
  if (secret && value !== '' && value !== undefined && value !== null) return REDACTED;
  if (typeof value === 'string') return redactUrlSecrets(value);
  if (Array.isArray(value)) return value.map((item) => copy(item, secret));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, { value: copy(v, isSecretKey(k)), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/** The effective configuration as `hearth config` prints it: pretty JSON, secrets redacted. */
export function formatConfig(config: HearthConfig): string {
  return `${JSON.stringify(redact(config), null, 2)}\n`;
}
