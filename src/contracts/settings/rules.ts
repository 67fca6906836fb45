/**
 * What a configuration key may hold, for `setting` (declare.ts). Every check carries, as
 * its valibot message, the words for what is allowed: the error report and the docs quote
 * it as is.
 */
import * as v from 'valibot';
import { HOST_PORT_ALLOWED, isHost, parseHostPort } from './host-port.ts';

/** An integer in [min, max]. */
export function int(min: number, max: number, allowed = `an integer from ${min} to ${max}`) {
  return v.pipe(v.number(allowed), v.integer(allowed), v.minValue(min, allowed), v.maxValue(max, allowed));
}

/** An integer number of `unit` in [min, max], said so: `ms(1, 10)` allows "an integer number of milliseconds from 1 to 10". */
const whole = (unit: string) => (min: number, max: number, note = '') =>
  int(min, max, `an integer number of ${unit} from ${min} to ${max}${note}`);
/** Whole milliseconds in [min, max]. */
export const ms = whole('milliseconds');
/** Whole seconds in [min, max]. */
export const seconds = whole('seconds');
/** Whole days in [min, max]. */
export const days = whole('days');
/** Whole metres in [min, max]. */
export const metres = whole('metres');
/** Whole bytes in [min, max]. */
export const bytes = whole('bytes');

/** A number (fractions allowed) in [min, max]. */
export function num(min: number, max: number, allowed = `a number from ${min} to ${max}`) {
  return v.pipe(v.number(allowed), v.minValue(min, allowed), v.maxValue(max, allowed));
}

/** A listening port: -1 picks a free one, as nats-server does; 0 only where it means "off". */
export function port(zero?: string) {
  const allowed = zero
    ? `an integer from -1 to 65535 (-1: any free port, 0: ${zero})`
    : 'an integer from 1 to 65535, or -1 for any free port';
  return v.pipe(int(-1, 65535, allowed), v.check((n) => zero !== undefined || n !== 0, allowed));
}

/** One of a fixed list of words. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return v.picklist(values, `one of ${values.join(', ')}`);
}

/** `true` or `false`. */
export const bool = v.boolean('true or false');

/** Any string, described for the report. */
export function text(allowed = 'a string') {
  return v.string(allowed);
}

/** A string that may not be empty. */
export function nonEmpty(allowed: string) {
  return v.pipe(v.string(allowed), v.minLength(1, allowed));
}

/** A host name or IP address to listen on. */
export const host = v.pipe(
  v.string('a host name or IP address'),
  v.check(isHost, 'a host name or IP address, e.g. 127.0.0.1, 0.0.0.0 or ::1'),
);

/** `HOST:PORT`, as `parseHostPort` reads it. */
export const hostPort = v.pipe(
  v.string(HOST_PORT_ALLOWED),
  v.check((s) => {
    try {
      parseHostPort(s);
      return true;
    } catch {
      return false; // the report says what is allowed; parseHostPort's own words are not needed
    }
  }, HOST_PORT_ALLOWED),
);

/** A URL with one of `schemes` (`"nats:"`, `"file:"` …), or "" when `allowEmpty`. */
export function url(schemes: readonly string[], allowed: string, allowEmpty = true) {
  return v.pipe(
    v.string(allowed),
    v.check((s) => (allowEmpty && s === '') || hasScheme(s, schemes), allowed),
  );
}

/**
 * One URL or several separated by commas (a cluster's servers), or "": every one with a
 * scheme of the same group (`[['nats:', 'tls:'], ['ws:', 'wss:']]`: all over TCP or all over
 * WebSocket, as one client connects).
 */
export function urlList(groups: readonly (readonly string[])[], allowed: string) {
  return v.pipe(
    v.string(allowed),
    v.check((s) => {
      if (s === '') return true;
      const urls = s.split(',').map((u) => u.trim());
      return groups.some((g) => urls.every((u) => hasScheme(u, g)));
    }, allowed),
  );
}

/**
 * A map tile URL template, or "" (no tiles): an http(s) URL with `{z}`, `{x}` and `{y}`
 * after the host, and `{s}` (a subdomain) nowhere but there or as the host's first label —
 * so the host, with `{s}` as `*`, is a source a Content-Security-Policy can name.
 */
export function tileUrlTemplate(allowed: string) {
  return v.pipe(v.string(allowed), v.check((s) => s === '' || isTileUrlTemplate(s), allowed));
}

const TILE_PLACEHOLDERS = ['z', 'x', 'y', 's'];

function isTileUrlTemplate(s: string): boolean {
  const m = /^https?:\/\/([^/?#]*)(.*)$/.exec(s);
  if (!m) return false;
  if (/[{}]/.test(m[1]!.replace(/^\{s\}\./, ''))) return false;
  const names = [...m[2]!.matchAll(/\{([^{}]*)\}/g)].map((x) => x[1]!);
  if (!names.every((n) => TILE_PLACEHOLDERS.includes(n)) || !['z', 'x', 'y'].every((n) => names.includes(n))) return false;
  const filled = s.replace(/\{[zxys]\}/g, (p) => (p === '{s}' ? 'a' : '0'));
  if (/[{}]/.test(filled)) return false; // a stray brace
  try {
    const u = new URL(filled);
    return u.hostname !== '' && u.username === '' && u.password === '';
  } catch {
    return false; // not a URL once filled in: the allowed words say what is
  }
}

function hasScheme(s: string, schemes: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return false;
  }
  if (!schemes.includes(u.protocol)) return false;
  return u.protocol === 'file:' ? s.length > 'file:'.length : u.hostname !== '';
}
