/**
 * Odd values for the fuzzers: JSON values of every wrong type and size, texts that are not
 * JSON (truncated, nested too deep, not UTF-8), odd strings for ids and headers.
 */
import type { Rng } from './rng.ts';

const STRINGS = [
  '', ' ', '\u0000', '\ud800', '\uffff', '💥'.repeat(50), 'a'.repeat(70_000), '../../etc/passwd', '%00', '<script>alert(1)</script>',
  "' OR 1=1 --", '${jndi:ldap://x}', '__proto__', 'constructor', '00000000-0000-0000-0000-000000000000', 'NaN', '-1', '1e309',
  'data:image/svg+xml;base64,PHN2Zz4=', 'data:image/png;base64,PHN2Zz4=', '\r\nX-Injected: 1', 'null', 'true',
];
const NUMBERS = [0, -0, -1, 1.5, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, -1e308, Number.MIN_VALUE, 91, -181, 1e-7];

/** A JSON value of any type, sometimes big or nested. */
export function oddValue(r: Rng, depth = 0): unknown {
  return r.weighted<() => unknown>([
    [3, () => r.pick(STRINGS)],
    [1, () => r.string(r.int(0, 40), 'abcXYZ019 -_.@é€\u2028')],
    [3, () => r.pick(NUMBERS)],
    [1, () => r.chance(0.5)],
    [2, () => null],
    [1, () => (depth > 3 ? [] : Array.from({ length: r.int(0, 5) }, () => oddValue(r, depth + 1)))],
    [1, () => (depth > 3 ? {} : oddObject(r, depth + 1))],
    [0.3, () => Array.from({ length: r.int(100, 3000) }, () => r.int(0, 9))],
  ])();
}

/** An object of odd keys and values. */
export function oddObject(r: Rng, depth = 0): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = r.int(0, 4); i > 0; i--) {
    // An own property even for `__proto__` (plain assignment would set the prototype instead).
    Object.defineProperty(o, r.pick(['__proto__', 'constructor', 'type', 'id', 'actor', 'a', '', 'x'.repeat(300), r.string(5)]), { value: oddValue(r, depth), enumerable: true, writable: true, configurable: true });
  }
  return o;
}

/** Any value as text (for a query string or a header). */
export function asText(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined');
}

/** A body text that is not valid JSON, or not UTF-8, or hostile JSON. */
export function malformedJson(r: Rng): Buffer {
  const n = r.int(1, 20_000);
  return r.weighted<() => Buffer>([
    [2, () => Buffer.from(JSON.stringify(oddObject(r)).slice(0, -r.int(1, 3)))],
    [1, () => Buffer.from('['.repeat(n))],
    [1, () => Buffer.from('{"a":'.repeat(n) + '1' + '}'.repeat(n))],
    [1, () => Buffer.from('[' .repeat(5000) + ']'.repeat(5000))],
    [1, () => Buffer.concat([Buffer.from('{"email":"'), Buffer.from([0xff, 0xfe, 0xc0, 0x80]), Buffer.from('"}')])],
    [1, () => Buffer.from('\ufeff{}')],
    [1, () => Buffer.from(r.pick(['NaN', 'Infinity', "{'a':1}", '{"a":1,}', '{"a" 1}', 'undefined', '"', '1'.repeat(400), '{"a":1}{"b":2}', '{"__proto__":{"admin":true}}']))],
    [1, () => r.bytes(r.int(1, 2000))],
    [1, () => Buffer.from(JSON.stringify(oddValue(r)))],
  ])();
}

/** An odd header value (printable: a raw request carries it as is). */
export function oddHeaderValue(r: Rng): string {
  return r.weighted<() => string>([
    [2, () => r.string(r.int(0, 30), 'abc ;,=/"\'\\*()<>@:?{}[]\t')],
    [1, () => 'x'.repeat(r.int(1000, 9000))],
    [1, () => r.pick(['-1', '0', '99999999999999999999', '1e3', ' 12 ', '0x10', 'null', 'chunked', 'gzip, br', '*/*', 'text/html', 'bytes=0-'])],
    [0.5, () => Buffer.from(r.bytes(r.int(1, 20)).map((b) => (b < 0x20 || b === 0x7f ? 0x41 : b))).toString('latin1')],
  ])();
}
