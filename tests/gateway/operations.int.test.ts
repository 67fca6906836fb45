/**
 * Operations through the real stack: /readyz, /metrics in Prometheus text, the request id
 * echoed and carried to the broker as the correlation id, the OpenAPI document (parsed,
 * and listing every route of the table with its parameters and bodies), and the stream
 * mounted on the same server (a group event reaches a signed-in SSE client).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROUTES } from '../../src/gateway/routes/index.ts';
import { assertProblem, call } from '../support/http.ts';
import { joinGroup, makeGroup, signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

describe('gateway: operations', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('gw-ops');
  let h: InProcessHearth;
  let ann: User;

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    ann = await signUp(h, 'Ann');
  });
  after(() => h?.stop());

  it('is ready when every service answers', async () => {
    const a = await call(h, 'GET', '/readyz');
    assert.equal(a.status, 200);
    assert.equal(a.body.status, 'ready');
    assert.deepEqual(Object.keys(a.body.services).sort(), ['chat', 'gateway', 'location', 'notifications', 'users']);
    for (const s of Object.values(a.body.services) as { status: string; pid: number }[]) {
      assert.equal(s.status, 'ok');
      assert.equal(s.pid, process.pid); // in this test both run in this process
    }
  });

  it('carries X-Request-Id to the broker as the correlation id', async () => {
    const seen: string[] = [];
    const sub = h.nc.subscribe('svc.users.me', { callback: (_e, m) => void seen.push(m.headers?.get('Hearth-Correlation-Id') ?? '') });
    await h.nc.flush();
    const a = await call(h, 'GET', '/v1/me', { token: ann.token, headers: { 'x-request-id': 'walkthrough-42' } });
    assert.equal(a.headers.get('x-request-id'), 'walkthrough-42');
    await waitFor('the request on the broker', () => seen.length > 0);
    sub.unsubscribe();
    assert.deepEqual(seen, ['walkthrough-42']);
    const generated = await call(h, 'GET', '/v1/me', { token: ann.token });
    assert.match(generated.headers.get('x-request-id')!, /^[0-9a-f]{8}-[0-9a-f]{4}-7/);
  });

  it('serves Prometheus metrics: requests, latency, errors, streams, breakers', async () => {
    await call(h, 'GET', '/v1/me', { token: ann.token });
    await call(h, 'GET', '/v1/me');
    const m = await call(h, 'GET', '/metrics');
    assert.equal(m.status, 200);
    assert.match(m.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
    assert.match(m.text, /hearth_http_requests_total\{route="\/v1\/me",method="GET",status="200"\} \d+/);
    assert.match(m.text, /hearth_http_requests_total\{route="\/v1\/me",method="GET",status="401"\} \d+/);
    assert.match(m.text, /hearth_http_request_duration_seconds_bucket\{route="\/v1\/me",method="GET",le="\+Inf"\} \d+/);
    assert.match(m.text, /hearth_http_errors_total\{route="\/v1\/me",code="gateway.unauthenticated"\} \d+/);
    assert.match(m.text, /^hearth_stream_open \d+$/m);
    assert.match(m.text, /hearth_breaker_state\{service="users"\} 0/);
    for (const line of m.text.trim().split('\n')) assert.match(line, /^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? [0-9.e+-]+)$/, line);
  });

  it('serves an OpenAPI 3.1 document with every route, its parameters and bodies', async () => {
    const a = await call(h, 'GET', '/v1/openapi.json');
    assert.equal(a.status, 200);
    const doc = a.body;
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.servers[0].url, 'https://hearth.test');
    const ids = new Set<string>();
    for (const r of ROUTES.filter((x) => !x.hidden)) {
      const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
      const op = doc.paths[path]?.[r.method.toLowerCase()];
      assert.ok(op, `${r.method} ${path} is missing`);
      assert.ok(!ids.has(op.operationId), `duplicate operationId ${op.operationId}`);
      ids.add(op.operationId);
      const declared = op.parameters.filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name).sort();
      assert.deepEqual(declared, [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort(), `${r.method} ${path} parameters`);
      assert.ok(op.responses[String(r.status ?? 200)], `${r.method} ${path} success response`);
      const body = r.body && op.requestBody.content['application/json'].schema;
      // A body of several shapes is `anyOf` objects (one fix or a batch) or `oneOf` them (an ntfy or a webhook target).
      if (body) assert.ok(body.type === 'object' || (body.anyOf ?? body.oneOf)?.every((s: { type: string }) => s.type === 'object'), `${r.method} ${path} body`);
      if (r.access !== 'public') assert.ok(op.responses['401']);
    }
    const register = doc.paths['/v1/auth/register'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(register.required.sort(), ['displayName', 'email', 'password']);
    assert.equal(register.properties.password.minLength, 10);
    assert.equal(doc.components.responses.Problem.content['application/problem+json'].schema.properties.code.type, 'string');
  });

  it('mounts the stream: a member sees a new member join over SSE; a plain GET of the WebSocket is 426', async () => {
    const group = await makeGroup(h, ann, 'Family');
    const ctrl = new AbortController();
    const res = await fetch(`${h.url}/v1/events`, { headers: { authorization: `Bearer ${ann.token}` }, signal: ctrl.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const bo = await signUp(h, 'Bo');
    await joinGroup(h, group, ann, bo);
    await waitFor('the join on the stream', async () => {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
      return text.includes('group.member_joined') && text.includes(bo.userId);
    });
    ctrl.abort();
    assertProblem(await call(h, 'GET', '/v1/stream', { token: ann.token }), 426, 'stream.upgrade_required');
  });
});
