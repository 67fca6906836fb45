/**
 * A parser for nats-server's configuration file format (conf/lex.go and conf/parse.go at
 * v2.9.10): `key: value`, `key = value` or `key value`; `{ }` maps and `[ ]` arrays;
 * newline, `,` or `;` between entries; `#` and `//` comments; quoted, raw and unquoted
 * strings; integers with size suffixes; floats; booleans; Zulu datetimes; `( )` blocks;
 * and `$NAME` variables. It is one recursive-descent parser rather than nats-server's
 * lexer state machine, but it accepts the same texts, with the deviations noted inline.
 * This file is over the usual size because the grammar reads best in one place.
 */
import process from 'node:process';
import { ConfError, markUsedAsVariable, recordKey } from './conf-meta.ts';
import type { ConfPosition } from './conf-meta.ts';

type Env = Record<string, string | undefined>;
type ConfMap = Record<string, unknown>;

const EOF = '';
const isBlank = (c: string) => c === ' ' || c === '\t';
const isNL = (c: string) => c === '\n' || c === '\r';
const isSpace = (c: string) => c !== EOF && /\s/.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';
const isSizeSuffix = (c: string) => c !== EOF && 'kKmMgGtTpPeE'.includes(c);
const isSeparator = (c: string) => c === '=' || c === ':';
/**
 * What ends an unquoted string or a number. nats-server's number lexer leaves out `]`, so
 * `[1, 2]` fails there with a confusing error; we accept it as two integers.
 */
const endsValue = (c: string) =>
  c === EOF || isNL(c) || isBlank(c) || c === ';' || c === ',' || c === ']' || c === '}';

const BOOLEANS: Record<string, boolean> = { true: true, yes: true, on: true, false: false, no: false, off: false };
const K = 1000n;
const KI = 1024n;
/** Size suffixes as conf/parse.go multiplies them: k/m/g... are powers of 1000, kb/ki/kib of 1024. */
const SUFFIXES: Record<string, bigint> = { '': 1n };
for (const [i, letter] of ['k', 'm', 'g', 't', 'p', 'e'].entries()) {
  SUFFIXES[letter] = K ** BigInt(i + 1);
  for (const s of ['b', 'i', 'ib']) SUFFIXES[letter + s] = KI ** BigInt(i + 1);
}
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
/** An environment variable may name another; nats-server would recurse forever. */
const MAX_ENV_DEPTH = 8;
const DATETIME_TAIL = '00-00T00:00:00Z';

/**
 * Parses configuration text into plain objects: strings, numbers (sizes already
 * multiplied), booleans, Dates, arrays and maps. Where each key was written is kept aside
 * (see `keyPosition` in conf-meta.ts). Throws a `ConfError` "file:line:column: ..." on
 * malformed text, an unknown variable, or an `include`, which this broker does not support.
 */
export function parseConf(text: string, fileName = 'config', env: Env = process.env): ConfMap {
  return new ConfParser(text, fileName, env, 0).parse();
}

class ConfParser {
  private pos = 0;
  private readonly src: string;
  private readonly file: string;
  private readonly env: Env;
  private readonly depth: number;
  private readonly lineStarts: number[] = [0];

  constructor(src: string, file: string, env: Env, depth: number) {
    this.src = src;
    this.file = file;
    this.env = env;
    this.depth = depth;
    for (let i = 0; i < src.length; i++) if (src[i] === '\n') this.lineStarts.push(i + 1);
  }

  parse(): ConfMap {
    const root: ConfMap = {};
    for (;;) {
      // nats-server skips a `{` wrapping the whole file, and a `}` where a key could start.
      this.skip((c) => isSpace(c) || c === '{' || c === '}');
      if (this.at() === EOF) return root;
      this.entry(root, [root], 'top');
      this.skipBlanksAndComment();
      const c = this.at();
      if (!(c === EOF || isNL(c) || c === ';' || c === ',' || c === '}')) {
        this.fail(`expected a top-level value to end with a new line, comment or EOF, but got ${show(c)} instead`);
      }
      this.pos++;
    }
  }

  private at(i = this.pos): string {
    return this.src[i] ?? EOF;
  }

  private position(i: number): ConfPosition {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, line: lo + 1, column: i - this.lineStarts[lo] + 1 };
  }

  private fail(message: string, i = this.pos): never {
    throw new ConfError(message, this.position(i));
  }

  private skip(pred: (c: string) => boolean): void {
    for (;;) {
      const c = this.at();
      if (pred(c)) this.pos++;
      else if (c === '#' || (c === '/' && this.at(this.pos + 1) === '/')) this.skip((d) => d !== EOF && !isNL(d));
      else return;
    }
  }

  /** After a value: blanks, then perhaps a comment, which runs to (not through) the newline. */
  private skipBlanksAndComment(): void {
    this.skip(isBlank);
  }

  private entry(map: ConfMap, scopes: ConfMap[], ctx: 'top' | 'map'): void {
    const keyAt = this.pos;
    const key = this.key(ctx);
    // Newlines may sit between a key and its separator or value (lexKeyEnd), but not
    // between a top-level separator and its value (lexValue).
    this.pos += countWhile(this.src, this.pos, isSpace);
    if (isSeparator(this.at())) {
      this.pos++;
      this.pos += countWhile(this.src, this.pos, ctx === 'top' ? isBlank : isSpace);
    }
    const c = this.at();
    if (isNL(c)) this.fail('expected a value but found a new line');
    if (c === EOF || c === '}') this.fail(`expected a value for key "${key}"`);
    if (ctx === 'map' && c === ',') this.fail(`unexpected map value terminator ','`);
    const value = this.value(scopes);
    Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
    const p = this.position(keyAt);
    recordKey(map, this.file, key, p.line, p.column);
  }

  private key(ctx: 'top' | 'map'): string {
    const start = this.pos;
    const c = this.at();
    if (isSeparator(c)) this.fail(`unexpected key separator ${show(c)}`);
    if (c === '"' || c === "'") {
      const end = this.src.indexOf(c, start + 1);
      if (end < 0) this.fail('unexpected EOF in quoted key');
      this.pos = end + 1;
      return this.src.slice(start + 1, end);
    }
    this.pos += countWhile(this.src, start, (d) => d !== EOF && !isSpace(d) && !isSeparator(d));
    const key = this.src.slice(start, this.pos);
    if (ctx === 'map' && this.at() === EOF) this.fail('unexpected EOF processing map key', start);
    if (key.toLowerCase() === 'include' && isSpace(this.at())) {
      this.fail('include is not supported by this broker: put the settings in this file (or use nats-server)', start);
    }
    return key;
  }

  private value(scopes: ConfMap[]): unknown {
    const start = this.pos;
    const c = this.at();
    if (c === '[') {
      this.pos++;
      return this.array(scopes);
    }
    if (c === '{') {
      this.pos++;
      const map: ConfMap = {};
      this.mapBody(map, [...scopes, map]);
      return map;
    }
    if (c === "'") return this.rawString();
    if (c === '"') return this.quotedString();
    if (c === '(') return this.block();
    if (c === '-') return this.negative(start, scopes);
    if (isDigit(c)) return this.numberish(start, scopes);
    if (c === '.') this.fail('floats must start with a digit');
    if (c === EOF) this.fail('expected a value');
    return this.unquoted(start, scopes);
  }

  private array(scopes: ConfMap[]): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      this.skip(isSpace);
      const c = this.at();
      if (c === ']') break;
      if (c === ',') this.fail(`unexpected array value terminator ','`);
      if (c === EOF) this.fail('unexpected EOF processing array');
      out.push(this.value(scopes));
      this.skipBlanksAndComment();
      const d = this.at();
      if (d === ']') break;
      if (d === EOF) this.fail('unexpected EOF processing array');
      if (d !== ',' && !isNL(d)) {
        this.fail(`expected an array value terminator ',' or an array terminator ']', but got ${show(d)} instead`);
      }
      this.pos++;
    }
    this.pos++;
    return out;
  }

  private mapBody(map: ConfMap, scopes: ConfMap[]): void {
    for (;;) {
      this.skip(isSpace);
      const c = this.at();
      if (c === '}') break;
      if (c === EOF) this.fail('unexpected EOF processing map');
      if (c === ']') this.fail(`unexpected array end ']' processing map`);
      this.entry(map, scopes, 'map');
      this.skipBlanksAndComment();
      const d = this.at();
      if (d === '}') break;
      if (d === EOF) this.fail('unexpected EOF processing map');
      if (d !== ',' && d !== ';' && !isNL(d)) {
        this.fail(`expected a map value terminator ',' or a map terminator '}', but got ${show(d)} instead`);
      }
      this.pos++;
    }
    this.pos++;
  }

  /** '...' strings take their contents as written, newlines included. */
  private rawString(): string {
    const end = this.src.indexOf("'", this.pos + 1);
    if (end < 0) this.fail('unexpected EOF in quoted string');
    const s = this.src.slice(this.pos + 1, end);
    this.pos = end + 1;
    return s;
  }

  private quotedString(): string {
    const start = this.pos++;
    const parts: (string | number)[] = [];
    for (;;) {
      const c = this.at();
      if (c === EOF) this.fail('unexpected EOF in quoted string', start);
      this.pos++;
      if (c === '"') return joinParts(parts);
      parts.push(c === '\\' ? this.escape() : c);
    }
  }

  /** Reads what follows a backslash; a number is a raw byte from `\xHH`. */
  private escape(): string | number {
    const c = this.at();
    this.pos++;
    const simple: Record<string, string> = { t: '\t', n: '\n', r: '\r', '"': '"', '\\': '\\' };
    if (c in simple) return simple[c];
    if (c !== 'x') {
      this.fail(
        `invalid escape character ${show(c)}; only \\xXX, \\t, \\n, \\r, \\" and \\\\ are allowed`,
        this.pos - 1,
      );
    }
    const hex = this.src.slice(this.pos, this.pos + 2);
    if (isNL(hex[0] ?? '') || isNL(hex[1] ?? '')) this.fail(`expected two hexadecimal digits after '\\x', but hit end of line`);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) this.fail(`expected two hexadecimal digits after '\\x', but got '${hex}'`);
    this.pos += 2;
    return parseInt(hex, 16);
  }

  /** `( ... )` takes everything up to a `)` alone on its line, as conf/lex.go's lexBlock. */
  private block(): string {
    const start = this.pos + 1;
    for (let from = start; ; ) {
      const nl = this.src.indexOf('\n)', from);
      if (nl < 0) this.fail('unexpected EOF processing block', start - 1);
      const after = this.at(nl + 2);
      if (after === '\n' || after === EOF) {
        this.pos = nl + 2;
        return this.src.slice(start, nl + 1);
      }
      from = nl + 1;
    }
  }

  private unquoted(start: number, scopes: ConfMap[]): unknown {
    this.pos = start;
    const parts: (string | number)[] = [];
    let escaped = false;
    for (let c = this.at(); !endsValue(c) && c !== "'"; c = this.at()) {
      this.pos++;
      if (c === '\\') {
        escaped = true;
        parts.push(this.escape());
      } else parts.push(c);
    }
    // A quote ends an unquoted string and is dropped (lexString), so `a'b` fails on the b.
    if (this.at() === "'") this.pos++;
    const text = joinParts(parts);
    if (escaped) return text;
    const bool = BOOLEANS[text.toLowerCase()];
    if (bool !== undefined) return bool;
    if (text.startsWith('$')) return this.variable(text.slice(1), start, scopes);
    return text;
  }

  private variable(name: string, at: number, scopes: ConfMap[]): unknown {
    // An unquoted bcrypt hash looks like a variable; conf/parse.go special-cases it.
    if (name.startsWith('2a$')) return `$${name}`;
    for (let i = scopes.length - 1; i >= 0; i--) {
      if (Object.hasOwn(scopes[i], name)) {
        markUsedAsVariable(scopes[i], name);
        return scopes[i][name];
      }
    }
    const fromEnv = this.env[name];
    if (fromEnv === undefined) this.fail(`variable reference for '${name}' can not be found`, at);
    if (fromEnv === '') return '';
    if (this.depth >= MAX_ENV_DEPTH) this.fail(`variable reference for '${name}' nests too deeply`, at);
    try {
      // As nats-server does: the value is parsed as if it were written `pk=<value>`.
      return new ConfParser(`pk=${fromEnv}`, `$${name}`, this.env, this.depth + 1).parse().pk;
    } catch (err) {
      const detail = err instanceof ConfError ? err.detail : String(err);
      this.fail(`variable reference for '${name}' could not be parsed: ${detail}`, at);
    }
  }

  /** A value starting with a digit: integer, size, float, datetime, IP address or string. */
  private numberish(start: number, scopes: ConfMap[]): unknown {
    const i = start + countWhile(this.src, start, isDigit);
    const c = this.at(i);
    if (c === '-') {
      if (i - start !== 4) this.fail('all ISO8601 dates must be in full Zulu form', i);
      return this.datetime(start);
    }
    if (c === '.') return this.floatOrAddress(start, i);
    if (isSizeSuffix(c)) return this.sized(start, i, scopes);
    if (endsValue(c)) return this.integer(start, i);
    // "10s", "4222abc": text that merely starts with digits.
    return this.unquoted(start, scopes);
  }

  private negative(start: number, scopes: ConfMap[]): unknown {
    const c = this.at(start + 1);
    if (c === '.') this.fail("floats must start with a digit, not '.'", start + 1);
    if (!isDigit(c)) this.fail(`expected a digit but got ${show(c)}`, start + 1);
    const i = start + 1 + countWhile(this.src, start + 1, isDigit);
    const d = this.at(i);
    if (d === '.') return this.floatOrAddress(start, i);
    if (isSizeSuffix(d)) return this.sized(start, i, scopes);
    // Unlike a positive number, anything else simply ends it (lexNegNumber).
    return this.integer(start, i);
  }

  /** `i` is at the size letter: "8k", "4kb", "2MiB"; "1kx" is a string. */
  private sized(start: number, i: number, scopes: ConfMap[]): unknown {
    const end = i + 1 + countWhile(this.src, i + 1, (c) => c !== EOF && 'bBiI'.includes(c));
    const c = this.at(end);
    if (endsValue(c) || isDigit(c)) return this.integer(start, end);
    return this.unquoted(start, scopes);
  }

  private integer(start: number, end: number): number {
    const text = this.src.slice(start, end);
    const [, digits, suffix] = /^(-?\d+)(.*)$/.exec(text) ?? ['', text, ''];
    const factor = SUFFIXES[suffix.toLowerCase()];
    // nats-server silently drops a key whose value has an unknown suffix ("1kbi"); we say so.
    if (factor === undefined) this.fail(`invalid size suffix in '${text}'`, start);
    const n = BigInt(digits) * factor;
    if (n > INT64_MAX || n < INT64_MIN) this.fail(`integer '${text}' is out of the range`, start);
    this.pos = end;
    return Number(n);
  }

  /** `i` is at the '.'; a second '.' makes it an address such as 127.0.0.1:4222. */
  private floatOrAddress(start: number, i: number): number | string {
    if (!isDigit(this.at(i + 1))) {
      this.fail(`floats must have a digit after the '.', but got ${show(this.at(i + 1))} instead`, i + 1);
    }
    let end = i + 1 + countWhile(this.src, i + 1, isDigit);
    if (this.at(end) === '.') {
      end += countWhile(this.src, end, (c) => isDigit(c) || c === '.' || c === ':' || c === '-');
      this.pos = end;
      return this.src.slice(start, end);
    }
    this.pos = end;
    return Number(this.src.slice(start, end));
  }

  private datetime(start: number): Date {
    for (let k = 0; k < DATETIME_TAIL.length; k++) {
      const want = DATETIME_TAIL[k];
      const c = this.at(start + 5 + k);
      if (want === '0' && !isDigit(c)) this.fail(`expected digit in ISO8601 datetime, but found ${show(c)} instead`, start + 5 + k);
      if (want !== '0' && c !== want) this.fail(`expected '${want}' in ISO8601 datetime, but found ${show(c)} instead`, start + 5 + k);
    }
    const text = this.src.slice(start, start + 5 + DATETIME_TAIL.length);
    const date = new Date(text);
    // Date rolls 2020-02-30 over into March; Go's time.Parse refuses it.
    if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 19) + 'Z' !== text) {
      this.fail(`expected Zulu formatted DateTime, but got '${text}'`, start);
    }
    this.pos = start + text.length;
    return date;
  }
}

function countWhile(s: string, from: number, pred: (c: string) => boolean): number {
  let i = from;
  while (i < s.length && pred(s[i])) i++;
  return i - from;
}

/** Joins string pieces and raw bytes from `\xHH`, decoding the bytes as UTF-8 (Go strings are bytes). */
function joinParts(parts: (string | number)[]): string {
  if (parts.every((p) => typeof p === 'string')) return parts.join('');
  const enc = new TextEncoder();
  const bytes: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') bytes.push(p);
    else bytes.push(...enc.encode(p));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function show(c: string): string {
  if (c === EOF) return 'EOF';
  return `'${c === '\n' ? '\\n' : c === '\r' ? '\\r' : c}'`;
}
