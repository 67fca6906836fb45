/**
 * Malformed HTTP requests, built from the gateway's own OpenAPI document (every route
 * and method, and each body's fields): wrong types in the right fields, bodies that are
 * not JSON, wrong content types, bad and missing credentials, methods a route does not
 * have, odd and huge headers, odd paths and queries, broken framing, and clients that
 * hang up mid-body. Each comes out as the raw bytes to send.
 */
import type { Rng } from './rng.ts';
import { asText, malformedJson, oddHeaderValue, oddObject, oddValue } from './values.ts';

/** One operation of the API. */
export interface Target {
  method: string;
  /** The path template, `{name}` for parameters. */
  path: string;
  /** Field names of the JSON body, when it has one. */
  fields: string[] | undefined;
}

/** What the fuzzer knows of the appliance and its signed-in user. */
export interface FuzzContext {
  host: string;
  token: string;
  userId: string;
  groupId: string;
}

/** One request to send. */
export interface FuzzRequest {
  category: string;
  bytes: Buffer;
  head: boolean;
  /** Hang up after sending (no answer expected). */
  abort: boolean;
}

type Doc = { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> } }>> };

/** The operations of an OpenAPI document, plus the stream endpoints it does not list. */
export function targetsOf(doc: Doc): Target[] {
  const targets: Target[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const props = op.requestBody?.content?.['application/json']?.schema?.properties;
      targets.push({ method: method.toUpperCase(), path, fields: op.requestBody ? Object.keys(props ?? {}) : undefined });
    }
  }
  targets.push({ method: 'GET', path: '/v1/events', fields: undefined }, { method: 'GET', path: '/v1/stream', fields: undefined }, { method: 'GET', path: '/v1/openapi.json', fields: undefined });
  return targets;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'CONNECT', 'PROPFIND', 'FOO', 'get', 'G ET', 'POST\t', 'X'.repeat(300)];
const CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/jsonx', 'application/json; charset="utf-16"', '', 'application/merge-patch+json', '*/*', 'application/json; charset=utf-8; charset=latin1'];
const ODD_SEGMENTS = ['..', '%2e%2e', '%00', '%ZZ', 'a'.repeat(3000), '-1', '0', 'null', '%F0%9F%92%A5', '%ff%fe', 'a%2Fb', '', ' ', '\u00e9', '{groupId}', '00000000-0000-0000-0000-000000000000'];
const BAD_AUTH = [
  '', 'Bearer', 'Bearer ', 'Bearer a.b.c', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'Basic', 'Basic !!!', 'Basic ' + Buffer.from('a@b.c:wrong').toString('base64'),
  'Basic ' + Buffer.from('no-colon').toString('base64'), 'Digest x', 'Bearer ' + 'a'.repeat(9000), 'bearer  x  y', 'Bearer \u00e9', 'Negotiate YII=',
];

/** Builds one malformed request. */
export function makeRequest(r: Rng, targets: readonly Target[], ctx: FuzzContext): FuzzRequest {
  const t = r.pick(targets);
  const category = r.weighted<string>([
    [4, 'wrong-types'],
    [2, 'malformed-json'],
    [1, 'content-type'],
    [2, 'bad-token'],
    [1.5, 'bad-method'],
    [2, 'odd-headers'],
    [2, 'odd-path'],
    [1, 'framing'],
    [0.5, 'abort'],
  ]);
  const req = { method: t.method, target: fillPath(r, t.path, ctx, category === 'odd-path'), headers: [['Host', ctx.host], ['Connection', 'close']] as [string, string][], body: undefined as Buffer | undefined };
  if (r.chance(0.9) || category === 'wrong-types') req.headers.push(['Authorization', `Bearer ${ctx.token}`]);
  const json = (value: unknown) => {
    req.body = Buffer.from(JSON.stringify(value));
    req.headers.push(['Content-Type', 'application/json']);
  };
  switch (category) {
    case 'wrong-types': {
      const body: Record<string, unknown> = {};
      for (const f of t.fields ?? []) if (r.chance(0.7)) body[f] = oddValue(r);
      if (r.chance(0.2)) Object.assign(body, oddObject(r));
      json(r.chance(0.1) ? oddValue(r) : body);
      break;
    }
    case 'malformed-json':
      req.body = malformedJson(r);
      req.headers.push(['Content-Type', 'application/json']);
      break;
    case 'content-type':
      req.body = Buffer.from(r.chance(0.5) ? '{}' : 'a=1&b=2');
      req.headers.push(['Content-Type', r.pick(CONTENT_TYPES)]);
      break;
    case 'bad-token':
      req.headers = req.headers.filter(([k]) => k !== 'Authorization');
      req.headers.push(['Authorization', r.pick(BAD_AUTH)]);
      if (t.fields) json({});
      break;
    case 'bad-method':
      req.method = r.pick(METHODS);
      if (r.chance(0.5)) json(oddObject(r));
      break;
    case 'odd-headers':
      for (let i = r.int(1, 6); i > 0; i--) req.headers.push([r.pick(['X-Forwarded-For', 'Idempotency-Key', 'Last-Event-ID', 'Origin', 'Accept', 'Accept-Encoding', 'Range', 'If-None-Match', 'Cookie', 'X-Request-Id', 'Content-Encoding', 'Expect', 'Upgrade', 'X-' + r.string(8)]), oddHeaderValue(r)]);
      if (r.chance(0.2)) for (let i = r.int(50, 150); i > 0; i--) req.headers.push([`X-Many-${i}`, 'y']);
      // An upgrade to anywhere (only GET /v1/stream takes one); 101 answers count as answered.
      if (r.chance(0.1)) {
        req.headers = req.headers.filter(([k]) => k !== 'Connection');
        req.headers.push(['Connection', 'Upgrade'], ['Upgrade', r.pick(['websocket', 'h2c', 'x'])], ['Sec-WebSocket-Version', '13'], ['Sec-WebSocket-Key', r.pick(['dGhlIHNhbXBsZSBub25jZQ==', 'bad'])]);
      }
      if (r.chance(0.1)) req.headers.push(['X-Huge', 'h'.repeat(r.int(16_000, 40_000))]);
      if (t.fields) json(oddObject(r));
      break;
    case 'odd-path':
      if (t.fields && r.chance(0.5)) json({});
      break;
    case 'abort': {
      // Declares a body and sends part of it, then hangs up.
      const body = Buffer.from(JSON.stringify({ text: 'x'.repeat(r.int(10, 5000)) }));
      return { category, bytes: Buffer.concat([head({ ...req, method: 'POST' }, [['Content-Type', 'application/json'], ['Content-Length', String(body.length + r.int(1, 1000))]]), body]), head: false, abort: true };
    }
    case 'framing':
      return { category, bytes: framing(r, req.method, req.target, ctx), head: req.method === 'HEAD', abort: false };
  }
  const extra: [string, string][] = req.body ? [['Content-Length', String(req.body.length)]] : [];
  return { category, bytes: Buffer.concat([head(req, extra), req.body ?? Buffer.alloc(0)]), head: req.method === 'HEAD', abort: false };
}

function head(req: { method: string; target: string; headers: [string, string][] }, extra: [string, string][]): Buffer {
  const lines = [`${req.method} ${req.target} HTTP/1.1`, ...[...req.headers, ...extra].map(([k, v]) => `${k}: ${v}`)];
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
}

// Path parameters: mostly real (the user's group), else ids of nobody's, else odd segments.
function fillPath(r: Rng, template: string, ctx: FuzzContext, odd: boolean): string {
  let path = template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    if (odd && r.chance(0.6)) return r.pick(ODD_SEGMENTS);
    if (name === 'groupId' && r.chance(0.8)) return ctx.groupId;
    if (name === 'userId' && r.chance(0.7)) return ctx.userId;
    return crypto.randomUUID();
  });
  if (odd) {
    path = r.weighted<() => string>([
      [2, () => path],
      [1, () => path + '?' + Array.from({ length: r.int(1, 20) }, () => `${r.pick(['since', 'limit', 'before', 'from', 'to', 'd', 'u', 'a[]', '__proto__'])}=${encodeURIComponent(asText(oddValue(r)).replace(/[\ud800-\udfff]/g, '?'))}`).join('&')],
      [1, () => path.replace(/\//g, '//')],
      [1, () => path + '/' + r.pick(ODD_SEGMENTS)],
      [1, () => path.toUpperCase()],
      [1, () => '/v1/' + 'a/'.repeat(r.int(100, 3000))],
      [0.5, () => r.pick(['*', 'http://evil.example/v1/me', '/%', '/v1/../../etc/passwd', '/v1/me#frag', '/\u00e9', ''])],
    ])();
  }
  return path;
}

// Requests whose framing is wrong: lengths that disagree, broken chunks, bad request lines.
function framing(r: Rng, method: string, target: string, ctx: FuzzContext): Buffer {
  const h = `Host: ${ctx.host}\r\nAuthorization: Bearer ${ctx.token}\r\nConnection: close\r\n`;
  return Buffer.from(
    r.pick([
      `POST ${target} HTTP/1.1\r\n${h}Content-Length: 2\r\nContent-Length: 5\r\nContent-Type: application/json\r\n\r\n{}`,
      `POST ${target} HTTP/1.1\r\n${h}Content-Length: 2\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
      `POST ${target} HTTP/1.1\r\n${h}Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
      `POST ${target} HTTP/1.1\r\n${h}Transfer-Encoding: gzip, chunked\r\nContent-Type: application/json\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
      `POST ${target} HTTP/1.1\r\n${h}Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n1;${'e'.repeat(20_000)}\r\n{\r\n0\r\n\r\n`,
      `POST ${target} HTTP/1.1\r\n${h}Content-Length: -5\r\n\r\n`,
      `POST ${target} HTTP/1.1\r\n${h}Content-Length: 1e3\r\n\r\n`,
      `POST ${target} HTTP/1.1\r\n${h}Content-Length: 2\r\nContent-Type: application/json\r\n\r\n{}GARBAGE / HTTP/1.1\r\n\r\n`,
      `${method} ${target} HTTP/1.1\n${h.replace(/\r\n/g, '\n')}\n`,
      `${method} ${target} HTTP/9.9\r\n${h}\r\n`,
      `${method} ${target}\r\n\r\n`,
      `${method}  ${target}  HTTP/1.1\r\n${h}\r\n`,
      `${method} ${target} HTTP/1.1\r\n${h}Bad Header Without Colon\r\n\r\n`,
      `${method} ${target} HTTP/1.1\r\n${h}X-Nul: a\u0000b\r\n\r\n`,
      `${method} ${target} HTTP/1.1\r\n${h} folded: continuation\r\n\r\n`,
      `${method} /${'a'.repeat(r.int(9000, 70_000))} HTTP/1.1\r\n${h}\r\n`,
      `GET ${target} HTTP/1.1\r\nConnection: close\r\n\r\n`,
      `GET ${target} HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n`,
      `\r\n\r\n${method} ${target} HTTP/1.1\r\n${h}\r\n`,
      r.bytes(r.int(1, 300)).toString('latin1') + '\r\n\r\n',
      `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`,
    ]),
    'latin1',
  );
}
