/**
 * Typed reads of parsed configuration values. Each read names the key it reads (a dotted
 * path such as `authorization.users[1].password`) and, when the value came from a file,
 * where it was written, so a type error reads "broker.conf:3:7: port: expected an
 * integer, got the string "abc"" instead of nats-server's "interface conversion" panic text.
 */
import { ConfError, formatPosition, keyPosition } from './conf-meta.ts';
import { parseGoDuration } from './duration.ts';

/** A value's place: the map holding it, its key there, and its path for messages. */
export interface Field {
  map: object;
  key: string;
  path: string;
}

/** A parsed configuration map. */
export type ConfMap = Record<string, unknown>;

/** The field `key` of `map`, under `parent` (a path) if nested. */
export function field(map: object, key: string, parent?: string): Field {
  return { map, key, path: parent ? `${parent}.${key}` : key };
}

/** An error about `f`, prefixed with where it was written when known. */
export function confError(f: Field, message: string): ConfError {
  return new ConfError(`${f.path}: ${message}`, keyPosition(f.map, f.key));
}

/** A warning about `f`, prefixed the same way. */
export function confWarning(f: Field, message: string): string {
  const p = keyPosition(f.map, f.key);
  return `${p ? `${formatPosition(p)}: ` : ''}${f.path}: ${message}`;
}

/** Names a value's type for messages: `the string "abc"`, `a map`... */
export function describe(v: unknown): string {
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return `the boolean ${v}`;
  if (v instanceof Date) return 'a datetime';
  if (Array.isArray(v)) return 'an array';
  if (v !== null && typeof v === 'object') return 'a map';
  return String(v);
}

/**
 * An integer. The parser does not keep whether a number was written `2` or `2.0`, so a
 * whole float passes where nats-server would want an int64.
 */
export function asInt(f: Field, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw confError(f, `expected an integer, got ${describe(v)}`);
  return v;
}

/** A port: an integer from -1 (pick a free one) to 65535; 0 means the default or "off". */
export function asPort(f: Field, v: unknown): number {
  const n = asInt(f, v);
  if (n < -1 || n > 65535) throw confError(f, `port must be between -1 and 65535, got ${n}`);
  return n;
}

/** A string. */
export function asString(f: Field, v: unknown): string {
  if (typeof v !== 'string') throw confError(f, `expected a string, got ${describe(v)}`);
  return v;
}

/** A boolean (true/false, yes/no, on/off in the file). */
export function asBool(f: Field, v: unknown): boolean {
  if (typeof v !== 'boolean') throw confError(f, `expected true or false, got ${describe(v)}`);
  return v;
}

/** A map (a `{ }` block). */
export function asMap(f: Field, v: unknown, what = 'a map'): ConfMap {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Date) {
    throw confError(f, `expected ${what}, got ${describe(v)}`);
  }
  return v as ConfMap;
}

/** A Go duration string ("2m", "500ms"), in milliseconds. */
export function asDurationString(f: Field, v: unknown): number {
  const s = asString(f, v);
  try {
    return parseGoDuration(s);
  } catch (err) {
    throw confError(f, `error parsing ${f.key}: ${(err as Error).message}`);
  }
}

/**
 * A duration string, or (the older form) a number of seconds, which nats-server accepts
 * with the warning "<key> should be converted to a duration" (opts.go parseDuration).
 */
export function asDuration(f: Field, v: unknown, warnings: string[]): number {
  if (typeof v === 'string') return asDurationString(f, v);
  const seconds = asInt(f, v);
  warnings.push(confWarning(f, `${f.key} should be converted to a duration (a number is read as seconds)`));
  return seconds * 1000;
}

/**
 * `listen`-style addresses: a port, or "host:port" split as Go's net.SplitHostPort does
 * ("[::1]:4222", ":4222"). An empty host means "the default".
 */
export function asListen(f: Field, v: unknown): { host?: string; port: number } {
  if (typeof v === 'number') return { port: asPort(f, v) };
  if (typeof v !== 'string') throw confError(f, `expected port or host:port, got ${describe(v)}`);
  const m = /^\[([^\]]*)\]:([^:]*)$/.exec(v) ?? /^([^:[\]]*):([^:]*)$/.exec(v);
  if (!m) throw confError(f, `could not parse address string ${JSON.stringify(v)}`);
  if (!/^[+-]?\d+$/.test(m[2])) throw confError(f, `could not parse port ${JSON.stringify(m[2])}`);
  const port = asPort(f, Number(m[2]));
  return m[1] === '' ? { port } : { host: m[1], port };
}

/** What reading a configuration collects besides options. */
export interface ReadContext {
  warnings: string[];
  /** Settings nats-server has and this broker does not implement, by path; reported in one warning. */
  ignored: string[];
}
