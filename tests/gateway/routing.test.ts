/**
 * Routing and the request pipeline through `app.request()` (no server, no broker): unknown
 * routes, wrong methods, body rules, request ids, version and CORS headers, the client IP
 * behind proxies, rate limits, and the problem documents all of them answer with.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pureGateway, mint, type Pure } from './pure.ts';
import { useTempDir } from '../support/test-file.ts';

interface Scenario {
  name: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: BodyInit;
  status: number;
  code?: string;
  check?: (res: Response, body: Record<string, unknown> | undefined) => void;
}

const json = { 'content-type': 'application/json' };
const LIMIT = 2048;

const SCENARIOS: Scenario[] = [
  { name: 'answers /healthz', path: '/healthz', status: 200, check: (_r, b) => assert.deepEqual(b, { status: 'ok' }) },
  { name: 'answers 404 problem for an unknown route', path: '/v1/nothing-here', status: 404, code: 'gateway.no_route' },
  { name: 'answers 404 outside /v1 too', path: '/etc/passwd', status: 404, code: 'gateway.no_route' },
  {
    name: 'answers 405 with Allow for a wrong method on a known path',
    method: 'DELETE',
    path: '/v1/auth/login',
    status: 405,
    code: 'gateway.method_not_allowed',
    check: (r) => assert.equal(r.headers.get('allow'), 'POST'),
  },
  {
    name: 'lists GET, HEAD and the others in Allow',
    method: 'PUT',
    path: '/v1/me',
    status: 405,
    check: (r) => assert.deepEqual(r.headers.get('allow')!.split(', ').sort(), ['DELETE', 'GET', 'HEAD', 'PATCH']),
  },
  { name: 'answers HEAD on a GET route without a body', method: 'HEAD', path: '/healthz', status: 200 },
  {
    name: 'refuses a body that is not JSON with 415',
    method: 'POST',
    path: '/v1/auth/login',
    headers: { 'content-type': 'text/plain' },
    body: 'email=a',
    status: 415,
    code: 'gateway.unsupported_media_type',
  },
  {
    name: 'refuses JSON in another charset with 415',
    method: 'POST',
    path: '/v1/auth/login',
    headers: { 'content-type': 'application/json; charset=latin1' },
    body: '{}',
    status: 415,
  },
  {
    name: 'refuses a declared length over the limit with 413 before reading',
    method: 'POST',
    path: '/v1/auth/login',
    headers: { ...json, 'content-length': String(LIMIT + 1) },
    body: '{}',
    status: 413,
    code: 'gateway.body_too_large',
  },
  {
    name: 'refuses a streamed body over the limit with 413',
    method: 'POST',
    path: '/v1/auth/login',
    headers: json,
    body: chunked(LIMIT + 10),
    status: 413,
    code: 'gateway.body_too_large',
  },
  { name: 'refuses invalid JSON with 400', method: 'POST', path: '/v1/auth/login', headers: json, body: '{"email":', status: 400, code: 'gateway.invalid_json' },
  {
    name: 'refuses invalid UTF-8 with 400',
    method: 'POST',
    path: '/v1/auth/login',
    headers: json,
    body: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
    status: 400,
    code: 'gateway.invalid_utf8',
  },
  {
    name: 'lists every field problem of a body',
    method: 'POST',
    path: '/v1/auth/register',
    headers: json,
    body: JSON.stringify({ email: 'not-an-email', password: 5 }),
    status: 400,
    code: 'gateway.invalid_request',
    check: (_r, b) => {
      const paths = (b!.errors as { path: string }[]).map((e) => e.path).sort();
      assert.deepEqual(paths, ['body.displayName', 'body.email', 'body.password']);
    },
  },
  { name: 'refuses unknown body fields', method: 'POST', path: '/v1/auth/refresh', headers: json, body: '{"refreshToken":"x","admin":true}', status: 400 },
  { name: 'refuses a body that is not an object', method: 'POST', path: '/v1/auth/refresh', headers: json, body: '[1,2]', status: 400 },
  { name: 'asks for credentials with 401 and WWW-Authenticate', path: '/v1/me', status: 401, code: 'gateway.unauthenticated', check: (r) => assert.match(r.headers.get('www-authenticate')!, /^Bearer/) },
  { name: 'refuses an unknown scheme', path: '/v1/me', headers: { authorization: 'Digest abc' }, status: 401 },
  { name: 'refuses a garbage Basic header', path: '/v1/me', headers: { authorization: 'Basic !!!' }, status: 401, code: 'gateway.bad_credentials' },
  { name: 'refuses Basic where a session is needed', path: '/v1/me/sessions', headers: { authorization: `Basic ${btoa('a@example.com:x')}` }, status: 401, code: 'gateway.session_required' },
  { name: 'refuses a malformed Idempotency-Key', method: 'POST', path: '/v1/auth/refresh', headers: { ...json, 'idempotency-key': 'ünïcode' }, body: '{"refreshToken":"x"}', status: 400, code: 'gateway.bad_idempotency_key' },
  { name: 'refuses a malformed invite code with 400 before asking users (which is down here)', path: '/v1/invites/not%20a%20code', status: 400, code: 'gateway.invalid_request' },
  { name: 'answers GET /v1/instance with 503 while users does not answer', path: '/v1/instance', status: 503, code: 'kit.no_responders' },
  { name: 'answers 405 with Allow for a POST to an invite preview', method: 'POST', path: '/v1/invites/ABCDEFGHIJKLMNOPQRSTUV', status: 405, check: (r) => assert.equal(r.headers.get('allow'), 'GET, HEAD') },
  {
    name: 'answers 503 with Retry-After when the users service does not answer',
    method: 'POST',
    path: '/v1/auth/login',
    headers: json,
    body: '{"email":"a@example.com","password":"x"}',
    status: 503,
    code: 'kit.no_responders',
    check: (r) => assert.equal(r.headers.get('retry-after'), '5'),
  },
];

function chunked(bytes: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(ctrl) {
      if (sent >= bytes) return ctrl.close();
      const n = Math.min(512, bytes - sent);
      sent += n;
      ctrl.enqueue(new TextEncoder().encode(' '.repeat(n)));
    },
  });
}

describe('gateway: routing and the request pipeline', () => {
  const dir = useTempDir('gw-routing');
  let g: Pure;

  before(async () => {
    g = await pureGateway(dir, (c) => {
      c.gateway.max_body_bytes = LIMIT;
      c.gateway.cors_origins = 'https://app.example, https://other.example';
      c.gateway.trusted_proxies = '10.0.0.1';
    });
  });
  after(() => g?.close());

  for (const s of SCENARIOS) {
    it(s.name, async () => {
      const init: RequestInit & { duplex?: string } = { method: s.method ?? 'GET', headers: s.headers, body: s.body };
      if (s.body instanceof ReadableStream) init.duplex = 'half';
      const res = await g.request(s.path, init);
      const text = await res.text();
      assert.equal(res.status, s.status, text);
      assert.equal(res.headers.get('hearth-api-version'), '1');
      assert.ok(res.headers.get('x-request-id'));
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      if (s.status >= 400) {
        assert.equal(res.headers.get('content-type'), 'application/problem+json');
        assert.equal(body!.status, s.status);
        assert.match(String(body!.type), /^urn:hearth:problem:/);
        if (s.code) assert.equal(body!.code, s.code);
      }
      s.check?.(res, body);
    });
  }

  it('echoes a valid X-Request-Id and replaces an invalid one', async () => {
    const kept = await g.request('/healthz', { headers: { 'x-request-id': 'abc-123.x:y' } });
    assert.equal(kept.headers.get('x-request-id'), 'abc-123.x:y');
    const replaced = await g.request('/healthz', { headers: { 'x-request-id': 'has spaces and ünicode' } });
    assert.match(replaced.headers.get('x-request-id')!, /^[0-9a-f-]{36}$/);
    const problem = await (await g.request('/nowhere', { headers: { 'x-request-id': 'trace-7' } })).json();
    assert.equal(problem.requestId, 'trace-7');
  });

  it('allows configured origins only, and answers preflights', async () => {
    const ok = await g.request('/healthz', { headers: { origin: 'https://app.example' } });
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.match(ok.headers.get('access-control-expose-headers')!, /X-Request-Id/);
    const other = await g.request('/healthz', { headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const pre = await g.request('/v1/groups', { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
    assert.equal(pre.status, 204);
    assert.match(pre.headers.get('access-control-allow-headers')!, /Idempotency-Key/);
  });

  it('believes X-Forwarded-For only from a trusted proxy (the rate limit follows the real client)', async () => {
    const limited = await pureGateway(dir, (c) => {
      c.gateway.ip_rate_per_minute = 2;
      c.gateway.trusted_proxies = '10.0.0.1';
    });
    try {
      const via = (xff: string, peer: string) => limited.request('/healthz', { headers: { 'x-forwarded-for': xff } }, peer);
      assert.equal((await via('198.51.100.1', '10.0.0.1')).status, 200);
      assert.equal((await via('198.51.100.1', '10.0.0.1')).status, 200);
      const third = await via('198.51.100.1', '10.0.0.1');
      assert.equal(third.status, 429);
      assert.equal((await third.json()).code, 'gateway.rate_limited');
      assert.ok(Number(third.headers.get('retry-after')) >= 1);
      assert.equal((await via('198.51.100.2', '10.0.0.1')).status, 200, 'another client behind the same proxy has its own bucket');
      // From an untrusted peer the header is ignored: the peer's own bucket counts.
      assert.equal((await via('198.51.100.3', '192.0.2.50')).status, 200);
      assert.equal((await via('198.51.100.4', '192.0.2.50')).status, 200);
      assert.equal((await via('198.51.100.5', '192.0.2.50')).status, 429);
    } finally {
      limited.close();
    }
  });

  it('limits sign-in attempts per IP strictly and counts them in /metrics', async () => {
    const strict = await pureGateway(dir, (c) => void (c.gateway.auth_rate_per_minute = 3));
    try {
      const login = () => strict.request('/v1/auth/login', { method: 'POST', headers: json, body: '{"email":"a@example.com","password":"x"}' }, '192.0.2.77');
      for (let i = 0; i < 3; i++) assert.equal((await login()).status, 503); // users is down in this test: each attempt still counts
      const refused = await login();
      assert.equal(refused.status, 429);
      assert.ok(refused.headers.get('retry-after'));
      assert.equal((await strict.request('/healthz', {}, '192.0.2.77')).status, 200, 'other routes are not held back');
      const metrics = await (await strict.request('/metrics', {}, '127.0.0.1')).text();
      assert.match(metrics, /hearth_rate_limited_total\{scope="auth"\} 1/);
      const remote = await strict.request('/metrics', {}, '192.0.2.77');
      assert.equal(remote.status, 403, 'metrics are for this machine only');
    } finally {
      strict.close();
    }
  });

  it('limits requests per user', async () => {
    const perUser = await pureGateway(dir, (c) => void (c.gateway.user_rate_per_minute = 2));
    try {
      perUser.answers['svc.users.me'] = () => ({ id: '00000000-0000-4000-8000-000000000001', email: 'a@example.com', displayName: 'A', avatar: null, admin: false, createdAt: '' });
      const token = await mint(perUser.keys[0]!);
      const me = (ip: string) => perUser.request('/v1/me', { headers: { authorization: `Bearer ${token}` } }, ip);
      assert.equal((await me('192.0.2.1')).status, 200);
      assert.equal((await me('192.0.2.2')).status, 200);
      assert.equal((await me('192.0.2.3')).status, 429, 'a new address does not reset the user limit');
    } finally {
      perUser.close();
    }
  });
});
