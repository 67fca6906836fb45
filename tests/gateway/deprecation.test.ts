/**
 * API versioning: a route the table marks deprecated says so on every answer — success,
 * problem, refusal before its handler, idempotent replay — with `Deprecation` (RFC 9745),
 * `Sunset` (RFC 8594) and `Link`; the OpenAPI document marks its operation; other routes say
 * nothing. No route of today is deprecated, so the table here is the test's own.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as v from 'valibot';
import type { Hono } from 'hono';
import { AppError } from '../../src/kit/index.ts';
import { createApp, deprecationNotice, openApiDocument, route, type AnyRoute, type Deprecation } from '../../src/gateway/index.ts';
import { pureGateway, type Pure } from './pure.ts';
import { useTempDir } from '../support/test-file.ts';

const NOTICE: Deprecation = { since: '2027-01-01', sunset: '2027-07-01T00:00:00Z', link: 'https://hearth.test/docs/api#things-v2', sunsetLink: 'https://hearth.test/docs/api#versioning-and-deprecation' };
const EXPECTED = {
  deprecation: '@1798761600',
  sunset: 'Thu, 01 Jul 2027 00:00:00 GMT',
  link: '<https://hearth.test/docs/api#things-v2>; rel="deprecation", <https://hearth.test/docs/api#versioning-and-deprecation>; rel="sunset"',
};

const TABLE: AnyRoute[] = [
  route({ method: 'GET', path: '/v1/things', summary: 'Things (current)', tag: 'test', access: 'public', handle: () => ({ things: [] }) }),
  route({
    method: 'GET',
    path: '/v1/old-things',
    summary: 'Things (old shape)',
    tag: 'test',
    access: 'public',
    query: v.object({ limit: v.optional(v.pipe(v.string(), v.regex(/^\d+$/))) }),
    reply: v.object({ items: v.array(v.string()) }),
    deprecated: NOTICE,
    handle: () => ({ items: [] }),
  }),
  route({
    method: 'GET',
    path: '/v1/old-things/:id',
    summary: 'One old thing',
    tag: 'test',
    access: 'public',
    params: v.strictObject({ id: v.string() }),
    deprecated: NOTICE,
    handle: () => {
      throw new AppError('not_found', 'test.no_such_thing', 'No such thing');
    },
  }),
  route({ method: 'GET', path: '/v1/old-me', summary: 'Old profile', tag: 'test', access: 'user', deprecated: NOTICE, handle: () => ({}) }),
  route({ method: 'POST', path: '/v1/old-things', summary: 'Add an old thing', tag: 'test', access: 'public', status: 201, body: v.strictObject({ name: v.string() }), deprecated: NOTICE, handle: ({ body }) => ({ name: body.name }) }),
];

function assertDeprecated(res: Response): void {
  assert.equal(res.headers.get('deprecation'), EXPECTED.deprecation);
  assert.equal(res.headers.get('sunset'), EXPECTED.sunset);
  assert.equal(res.headers.get('link'), EXPECTED.link);
}

function assertNotDeprecated(res: Response): void {
  for (const h of ['deprecation', 'sunset', 'link']) assert.equal(res.headers.get(h), null, h);
}

describe('gateway: deprecated routes', () => {
  const dir = useTempDir('gw-deprecation');
  let g: Pure;
  let app: Hono<never>;
  const request = (path: string, init?: RequestInit) =>
    Promise.resolve(app.request(path, init, { incoming: { socket: { remoteAddress: '203.0.113.9' } } }));

  before(async () => {
    g = await pureGateway(dir, (c) => void (c.gateway.cors_origins = 'https://app.example'));
    app = createApp(g.deps, TABLE) as unknown as Hono<never>;
  });
  after(() => g?.close());

  it('marks a success answer of a deprecated route', async () => {
    const res = await request('/v1/old-things');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { items: [] });
    assertDeprecated(res);
    assert.equal(res.headers.get('hearth-api-version'), '1', 'the other headers stay');
  });

  it('marks a HEAD answer of a deprecated GET route', async () => {
    const res = await request('/v1/old-things', { method: 'HEAD' });
    assert.equal(res.status, 200);
    assertDeprecated(res);
  });

  for (const [name, path, init, status, code] of [
    ['a problem its handler throws', '/v1/old-things/7', undefined, 404, 'test.no_such_thing'],
    ['a refused query', '/v1/old-things?limit=many', undefined, 400, 'gateway.invalid_request'],
    ['a refusal before the handler (no credentials)', '/v1/old-me', undefined, 401, 'gateway.unauthenticated'],
    ['a body that is not JSON', '/v1/old-things', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }, 415, 'gateway.unsupported_media_type'],
  ] as const) {
    it(`marks ${name}`, async () => {
      const res = await request(path, init);
      const body = (await res.json()) as { code: string };
      assert.equal(res.status, status);
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
      assert.equal(body.code, code);
      assertDeprecated(res);
    });
  }

  it('marks an idempotent replay', async () => {
    const init = { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'old-1' }, body: '{"name":"kettle"}' };
    const first = await request('/v1/old-things', init);
    assert.equal(first.status, 201);
    assertDeprecated(first);
    const again = await request('/v1/old-things', init);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assertDeprecated(again);
  });

  it('says nothing on a route that is not deprecated, nor on no route at all', async () => {
    const ok = await request('/v1/things');
    assert.equal(ok.status, 200);
    assertNotDeprecated(ok);
    const none = await request('/v1/nothing-here');
    assert.equal(none.status, 404);
    assertNotDeprecated(none);
    // The real table: nothing in it is deprecated today.
    assertNotDeprecated(await g.request('/healthz'));
    assertNotDeprecated(await g.request('/v1/me'));
  });

  it('lets browsers read the headers (CORS)', async () => {
    const res = await request('/v1/old-things', { headers: { origin: 'https://app.example' } });
    assertDeprecated(res);
    const exposed = res.headers.get('access-control-expose-headers')!.split(/,\s*/);
    for (const h of ['Deprecation', 'Sunset', 'Link']) assert.ok(exposed.includes(h), h);
  });

  it('marks the operation in the OpenAPI document, and only that one', () => {
    const doc = openApiDocument(TABLE, 'https://hearth.test') as unknown as { paths: Record<string, Record<string, Record<string, any>>>; components: Record<string, any> };
    const op = doc.paths['/v1/old-things']!.get!;
    assert.equal(op.deprecated, true);
    assert.equal(op['x-sunset'], '2027-07-01T00:00:00.000Z');
    assert.match(op.description, /Deprecated since 2027-01-01T00:00:00\.000Z; may stop answering after 2027-07-01T00:00:00\.000Z/);
    assert.match(op.description, /https:\/\/hearth\.test\/docs\/api#things-v2/);
    assert.deepEqual(Object.keys(op.responses['200'].headers), ['Deprecation', 'Sunset', 'Link']);
    assert.equal(op.responses['200'].headers.Sunset.$ref, '#/components/headers/Sunset');
    assert.ok(doc.components.headers.Deprecation);
    assert.equal(doc.paths['/v1/old-things/{id}']!.get!.deprecated, true);
    assert.equal(doc.paths['/v1/old-things']!.post!.deprecated, true);
    const current = doc.paths['/v1/things']!.get!;
    assert.equal(current.deprecated, undefined);
    assert.equal(current['x-sunset'], undefined);
    assert.equal(current.responses['200'].headers, undefined);
  });
});

describe('deprecationNotice', () => {
  it('renders RFC 9745 and RFC 8594 headers in whole seconds', () => {
    const n = deprecationNotice({ since: '2027-01-01T00:00:00.900+01:00', sunset: '2027-01-01', link: '/docs/api' });
    assert.deepEqual(n.headers, { Deprecation: '@1798758000', Sunset: 'Fri, 01 Jan 2027 00:00:00 GMT', Link: '</docs/api>; rel="deprecation"' });
  });

  it('refuses a sunset before the deprecation (RFC 9745 §4)', () => {
    assert.throws(() => deprecationNotice({ since: '2027-07-01', sunset: '2027-01-01', link: '/x' }), /sunset .* is before/);
  });

  it('refuses a date that is not ISO 8601 with a zone', () => {
    for (const bad of ['2027-07-01T00:00:00', 'Thu, 01 Jul 2027 00:00:00 GMT', '2027-13-01', 'soon']) {
      assert.throws(() => deprecationNotice({ since: '2027-01-01', sunset: bad, link: '/x' }), /ISO 8601/, bad);
    }
  });

  it('refuses a link that could break out of the header', () => {
    for (const bad of ['https://a.example/>; rel="x"', 'https://a.example/a b', 'https://a.example/\r\nSet-Cookie: x=1', '']) {
      assert.throws(() => deprecationNotice({ since: '2027-01-01', sunset: '2027-02-01', link: bad }), /URI reference/, JSON.stringify(bad));
    }
  });

  it('fails the start, not a request, when a route of the table has a bad notice', async () => {
    const bad = route({ method: 'GET', path: '/v1/bad', summary: 'Bad', tag: 'test', access: 'public', deprecated: { since: '2027-07-01', sunset: '2027-01-01', link: '/x' }, handle: () => ({}) });
    assert.throws(() => createApp({} as Parameters<typeof createApp>[0], [bad]), /is before/);
  });
});
