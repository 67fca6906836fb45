/**
 * Reads an HTTP/1.x request head off raw bytes the way Go's net/http server does, since
 * that server fronts nats-server's websocket port and decides every answer a client gets
 * before nats-server's own upgrade handler runs (Go 1.19 net/http, observed against
 * nats-server 2.9.10). Errors found here are "fatal": Go answers them itself and closes.
 */

/** The request head, as net/http hands it to nats-server's handler. */
export interface HttpRequestHead {
  method: string;
  target: string;
  /** HTTP/1.<minor>; the major is always 1 once a head is returned. */
  minor: number;
  /** Header values by lower-case name, in arrival order. */
  headers: ReadonlyMap<string, readonly string[]>;
  /** Go's r.Host: the host of an absolute-form target, else the first Host header. */
  host: string;
  /** Bytes of body announced by Content-Length (0 when absent). */
  bodyLength: number;
  chunked: boolean;
}

/** What parsing a complete head gives: the head, or the bytes Go answers before closing. */
export type HeadParse = { kind: 'head'; head: HttpRequestHead } | { kind: 'fatal'; response: string };

/** Go's default http.Server limit: MaxHeaderBytes (1 MiB) plus the 4096 bytes it adds. */
export const MAX_HEAD_BYTES = (1 << 20) + 4096;

/** Reason phrases of the statuses this transport sends. */
export const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  431: 'Request Header Fields Too Large',
  501: 'Not Implemented',
  505: 'HTTP Version Not Supported',
};

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Go's httpguts.ValidHeaderFieldValue: no control bytes other than tab.
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
const VERSION = /^HTTP\/(\d{1,7})\.(\d{1,7})$/;

/**
 * Finds the empty line that ends a request head, across calls: feed it the same growing
 * buffer and it resumes where it stopped, so a head arriving a byte at a time costs O(n).
 */
export class HeadScanner {
  private pos = 0;
  private lineStart = 0;

  /** Returns the offset just past the empty line, or -1 while it has not arrived. */
  scan(buf: Uint8Array): number {
    for (; this.pos < buf.length; this.pos++) {
      if (buf[this.pos] !== 0x0a) continue;
      const len = this.pos - this.lineStart;
      // textproto ends a line at LF and drops one CR before it: "\n" and "\r\n" are empty.
      const empty = len === 0 || (len === 1 && buf[this.lineStart] === 0x0d);
      this.lineStart = this.pos + 1;
      if (empty) return ++this.pos;
    }
    return -1;
  }

  /** Forgets `n` consumed bytes at the front of the buffer. */
  shift(n: number): void {
    this.pos = Math.max(0, this.pos - n);
    this.lineStart = Math.max(0, this.lineStart - n);
  }
}

/** Go's answer to a request it cannot read: status line and body alike, then it closes. */
export function fatalResponse(status: number, detail?: string): string {
  const publicErr = `${status} ${STATUS_TEXT[status]}${detail ? `: ${detail}` : ''}`;
  const body = status === 501 ? 'Unsupported transfer encoding' : publicErr;
  return `HTTP/1.1 ${publicErr}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${body}`;
}

/** Parses a complete head (request line through the empty line), decoded as latin1. */
export function parseRequestHead(text: string): HeadParse {
  const bad = (detail?: string): HeadParse => ({ kind: 'fatal', response: fatalResponse(400, detail) });
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  // Go splits at the first two spaces; anything else in the line lands in the version.
  const [line] = lines;
  const sp1 = line.indexOf(' ');
  const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
  if (sp2 < 0) return bad();
  const method = line.slice(0, sp1);
  const target = line.slice(sp1 + 1, sp2);
  const version = VERSION.exec(line.slice(sp2 + 1));
  if (!TOKEN.test(method) || !version || !validTarget(target)) return bad();
  const major = Number(version[1]);
  const minor = Number(version[2]);

  const raw: [string, string][] = [];
  for (const l of lines.slice(1)) {
    if (l === '') break;
    if (l[0] === ' ' || l[0] === '\t') {
      // An obsolete folded line continues the previous value; Go still accepts these.
      if (raw.length === 0) return bad();
      raw[raw.length - 1][1] += ` ${trim(l)}`;
      continue;
    }
    const colon = l.indexOf(':');
    if (colon < 0) return bad();
    // textproto skips a header with an empty name rather than failing.
    if (colon > 0) raw.push([l.slice(0, colon), trim(l.slice(colon + 1))]);
  }
  const headers = new Map<string, string[]>();
  for (const [name, value] of raw) {
    const key = name.toLowerCase();
    headers.set(key, [...(headers.get(key) ?? []), value]);
  }

  if (major !== 1 && !(major === 2 && minor === 0 && method === 'PRI' && target === '*')) {
    return { kind: 'fatal', response: fatalResponse(505, 'unsupported protocol version') };
  }
  const hosts = headers.get('host');
  if (minor >= 1 && !hosts && method !== 'CONNECT') return bad('missing required Host header');
  if (hosts && hosts.length > 1) return bad();
  for (const [name, value] of raw) {
    if (!TOKEN.test(name)) return bad('invalid header name');
    if (BAD_VALUE.test(value)) return bad('invalid header value');
  }

  const te = headers.get('transfer-encoding');
  const chunked = minor >= 1 && te !== undefined;
  if (chunked && (te.length > 1 || te[0] !== 'chunked')) {
    return te.length > 1 ? bad() : { kind: 'fatal', response: fatalResponse(501) };
  }
  const lengths = new Set(headers.get('content-length') ?? []);
  if (lengths.size > 1 || [...lengths].some((v) => !/^\d{1,15}$/.test(v))) return bad();
  const bodyLength = chunked || lengths.size === 0 ? 0 : Number([...lengths][0]);

  const absolute = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(target);
  const host = absolute?.[1] || hosts?.[0] || '';
  return { kind: 'head', head: { method, target, minor, headers, host, bodyLength, chunked } };
}

/** Whether the header `name` holds `token` in its comma-separated list (case-insensitive). */
export function headerHasToken(head: HttpRequestHead, name: string, token: string): boolean {
  const want = token.toLowerCase();
  return (head.headers.get(name) ?? []).some((v) => v.split(',').some((t) => trim(t).toLowerCase() === want));
}

/** The first value of a header, or '' (Go's Header.Get). */
export function firstHeader(head: HttpRequestHead, name: string): string {
  return head.headers.get(name)?.[0] ?? '';
}

// url.ParseRequestURI accepts "*", an absolute path, or an absolute URL with a scheme.
function validTarget(t: string): boolean {
  return t === '*' || t.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(t);
}

function trim(s: string): string {
  return s.replace(/^[ \t]+|[ \t]+$/g, '');
}
