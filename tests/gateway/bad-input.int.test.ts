/**
 * Bad input on every route of the route table, through the real gateway and users
 * service: hostile path parameters (traversal, encoded dots, NUL, overlong, not an id),
 * body fields of the wrong type, missing fields, oversized and non-UTF-8 bodies, other
 * media types. Every answer is a 4xx problem+json — never a 5xx — and nothing is applied.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type * as v from 'valibot';
import { ROUTES } from '../../src/gateway/routes/index.ts';
import type { AnyRoute } from '../../src/gateway/index.ts';
import { call, type Answer } from '../support/http.ts';
import { joinGroup, makeGroup, signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

const MAX_BODY = 4096;
const HOSTILE_PARAMS = ['../../etc/passwd', '..%2f..%2fetc%2fpasswd', '%2e%2e', '%2e%2e%2f%2e%2e', '..', '%00', '%ff%fe', 'x'.repeat(3000), 'not-an-id', "1'%20OR%20'1'='1", '<script>'];

/** What a schema is at its core (optional/nullable/pipe unwrapped). */
function coreType(s: v.GenericSchema): string {
  let x = s as v.GenericSchema & { wrapped?: v.GenericSchema };
  while ((x.type === 'optional' || x.type === 'nullable' || x.type === 'nullish') && x.wrapped) x = x.wrapped as typeof x;
  return x.type;
}

/** True when null is a value the schema takes (a nullable somewhere in its wrapping). */
function nullable(s: v.GenericSchema): boolean {
  let x = s as v.GenericSchema & { wrapped?: v.GenericSchema };
  for (;;) {
    if (x.type === 'nullable' || x.type === 'nullish') return true;
    if (x.type !== 'optional' || !x.wrapped) return false;
    x = x.wrapped as typeof x;
  }
}

const WRONG: Record<string, unknown[]> = {
  string: [12345, true],
  number: ['12', 1.5e308 * 10, true],
  boolean: ['true', 1],
  picklist: ['superuser', 3],
};

/** A body with one field made wrong, for each field and each wrong value (plus shapes wrong as a whole). */
function badBodies(r: AnyRoute, valid: Record<string, unknown>): { label: string; body: unknown }[] {
  // A body of several shapes (one fix or a batch; an ntfy or a webhook target) is probed through its last shape.
  const schema = (r.body!.type === 'union' || r.body!.type === 'variant' ? (r.body as unknown as { options: v.GenericSchema[] }).options.at(-1) : r.body) as { entries: Record<string, v.GenericSchema> };
  const entries = schema.entries;
  const out: { label: string; body: unknown }[] = [
    { label: 'a JSON array', body: [valid] },
    { label: 'a JSON string', body: 'hello' },
    { label: 'JSON null', body: null },
    { label: 'an unknown field', body: { ...valid, isAdmin: true } },
    { label: 'a __proto__ field', body: JSON.parse(`{"__proto__": {"admin": true}}`) },
  ];
  const required = Object.entries(entries).filter(([, s]) => s.type !== 'optional');
  if (required.length) out.push({ label: 'no fields', body: {} });
  for (const [name, s] of Object.entries(entries)) {
    for (const value of [{ $gt: '' }, ['x'], ...(WRONG[coreType(s)] ?? [])]) {
      // Infinity goes out as JSON null, which a nullable field (null: "off") rightly takes.
      if (JSON.stringify(value) === 'null' && nullable(s)) continue;
      out.push({ label: `${name} = ${JSON.stringify(value)}`, body: { ...valid, [name]: value } });
    }
  }
  return out;
}

/**
 * Sends a raw path (no client-side normalisation) and reads the answer. A body larger than
 * the route takes is answered 413 from its declared length at once, and the HTTP adapter
 * drains the rest for at most 500 ms before closing the socket: a 64 MiB upload on a loaded
 * machine is then cut off mid-write (fetch says only "fetch failed"), and the answer that
 * came first is what counts.
 */
function rawCall(url: string, method: string, path: string, token: string, body = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) ? '{}' : ''): Promise<Answer> {
  const u = new URL(url);
  // Node's client sends a DELETE body with neither length nor chunking unless told the length.
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    let answer: Answer | undefined;
    const req = httpRequest({ host: u.hostname, port: u.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve((answer = { status: res.statusCode!, headers: new Headers(res.headers as Record<string, string>), text, body }));
      });
    });
    req.on('error', (err) => setTimeout(() => (answer ? resolve(answer) : reject(err)), 1000));
    req.end(body);
  });
}

function assertClientError(a: Answer, what: string): void {
  assert.ok(a.status >= 400 && a.status < 500, `${what}: expected 4xx, got ${a.status} ${a.text.slice(0, 300)}`);
  if (a.status !== 404 || a.text) assert.equal(a.headers.get('content-type'), 'application/problem+json', `${what}: ${a.text.slice(0, 200)}`);
}

describe('gateway: bad input on every route', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('gw-bad');
  let h: InProcessHearth;
  let owner: User;
  let params: Record<string, string>;
  let valid: Record<string, Record<string, unknown>>;

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, (c) => void (c.gateway.max_body_bytes = MAX_BODY));
    owner = await signUp(h, 'Olive');
    const member = await signUp(h, 'Milo');
    const groupId = await makeGroup(h, owner);
    await joinGroup(h, groupId, owner, member);
    const code = (await call(h, 'POST', `/v1/groups/${groupId}/invites`, { token: owner.token, body: {} })).body.code;
    const id = (await call(h, 'POST', '/v1/me/app-passwords', { token: owner.token, body: { label: 'phone' } })).body.id;
    params = { groupId, userId: member.userId, code, sessionId: owner.sessionId, id, placeId: '01900000-0000-7000-8000-0000000000aa', messageId: '01900000-0000-7000-8000-0000000000bb', targetId: '01900000-0000-7000-8000-0000000000cc' };
    valid = {
      'POST /v1/auth/register': { email: 'new@example.com', password: 'a long enough password', displayName: 'New' },
      'POST /v1/auth/login': { email: owner.email, password: owner.password },
      'POST /v1/auth/refresh': { refreshToken: 'x' },
      'POST /v1/auth/logout': {},
      'POST /v1/auth/oidc/exchange': { code: 'unknown-code' },
      'PATCH /v1/me': { displayName: 'Olive' },
      'DELETE /v1/me': { password: 'wrong password' },
      'POST /v1/me/password': { currentPassword: 'wrong password', newPassword: 'another long password' },
      'POST /v1/me/app-passwords': { label: 'x' },
      'POST /v1/me/two-factor/confirm': { code: '123456' },
      'DELETE /v1/me/two-factor': { password: 'wrong password' },
      'POST /v1/me/owntracks/setup': { deviceId: 'x-phone' },
      'POST /v1/groups': { name: 'G' },
      'PATCH /v1/groups/:groupId': { name: 'G' },
      'PUT /v1/groups/:groupId/members/:userId/role': { role: 'member' },
      'POST /v1/groups/:groupId/transfer': { userId: member.userId },
      'POST /v1/groups/:groupId/invites': { maxUses: 1 },
      'POST /v1/locations': { lat: 52.5, lon: 13.4, timestamp: new Date().toISOString() },
      'POST /v1/groups/:groupId/journey': { mode: 'walking', destination: { name: 'School', lat: 52.5, lon: 13.4 }, expectedArrival: new Date(Date.now() + 3_600_000).toISOString() },
      'POST /v1/groups/:groupId/sos': {},
      'POST /v1/groups/:groupId/places': { name: 'Home', lat: 52.5, lon: 13.4, radius: 100 },
      'PATCH /v1/groups/:groupId/places/:placeId': { name: 'Work' },
      'POST /v1/groups/:groupId/messages': { text: 'hello', txnId: 't1' },
      'PATCH /v1/groups/:groupId/messages/:messageId': { text: 'hello' },
      'PUT /v1/groups/:groupId/read-marker': { messageId: '01900000-0000-7000-8000-0000000000bb' },
      'POST /v1/notifications/read': { all: true },
      'PUT /v1/notifications/preferences': { mutes: [], types: {}, quietHours: null },
      'PATCH /v1/groups/:groupId/alert-settings': { silenceMinutes: 60 },
      'POST /v1/notifications/targets': { kind: 'webhook', url: 'https://hooks.example.home/hearth' },
      'POST /v1/owntracks': { _type: 'location', lat: 52.5, lon: 13.4, tst: Math.floor(Date.now() / 1000) },
      'PUT /v1/me/owntracks': { encryptionKey: 'a family secret' },
    };
  });
  after(() => h?.stop());

  it('has a valid body for every route that takes one', () => {
    const missing = ROUTES.filter((r) => r.body && !valid[`${r.method} ${r.path}`]).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(missing, []);
  });

  it('answers hostile path parameters with 4xx on every route that has any', async () => {
    let tried = 0;
    for (const r of ROUTES.filter((x) => x.path.includes(':'))) {
      for (const name of r.path.match(/:([A-Za-z]+)/g)!.map((m) => m.slice(1))) {
        for (const bad of HOSTILE_PARAMS) {
          const path = r.path.replace(/:([A-Za-z]+)/g, (_, k: string) => (k === name ? bad : params[k]!));
          assertClientError(await rawCall(h.url, r.method, path, owner.token), `${r.method} ${path.slice(0, 120)}`);
          tried++;
        }
      }
    }
    assert.ok(tried > 150, `only ${tried} tried`);
  });

  it('answers wrong types, missing fields and wrong shapes with 400 on every body', async () => {
    for (const r of ROUTES.filter((x) => x.body)) {
      const path = r.path.replace(/:([A-Za-z]+)/g, (_, k: string) => params[k]!);
      // OwnTracks messages may carry fields Hearth does not know, and an empty body is the app's "friend deleted" ping (as the OwnTracks recorder takes them).
      const lenient = r.path === '/v1/owntracks' ? ['an unknown field', 'no fields'] : [];
      for (const { label, body } of badBodies(r, valid[`${r.method} ${r.path}`]!).filter((b) => !lenient.includes(b.label))) {
        const a = await call(h, r.method, path, { token: owner.token, raw: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
        assertClientError(a, `${r.method} ${r.path} with ${label}`);
        assert.equal(a.status, 400, `${r.method} ${r.path} with ${label}: ${a.text}`);
        if (a.body.code === 'gateway.invalid_request') assert.ok(a.body.errors.length >= 1);
      }
    }
  });

  it('answers oversized, non-UTF-8 and non-JSON bodies with 413, 400 and 415 on every body', async () => {
    for (const r of ROUTES.filter((x) => x.body)) {
      const path = r.path.replace(/:([A-Za-z]+)/g, (_, k: string) => params[k]!);
      const what = `${r.method} ${r.path}`;
      // A route with its own limit (the OwnTracks post: a phone's photo must get through) is over that one.
      const huge = await rawCall(h.url, r.method, path, owner.token, JSON.stringify({ pad: 'x'.repeat(r.maxBodyBytes ?? MAX_BODY) }));
      assert.equal(huge.status, 413, what);
      const utf = await call(h, r.method, path, { token: owner.token, raw: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), headers: { 'content-type': 'application/json' } });
      assert.equal(utf.status, 400, what);
      const form = await call(h, r.method, path, { token: owner.token, raw: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(form.status, 415, what);
      for (const a of [huge, utf, form]) assertClientError(a, what);
    }
  });

  it('applied none of it: the account, group and app password are as they were', async () => {
    const me = await call(h, 'GET', '/v1/me', { token: owner.token });
    assert.equal(me.body.displayName, 'Olive');
    const members = await call(h, 'GET', `/v1/groups/${params.groupId}/members`, { token: owner.token });
    assert.deepEqual(members.body.members.map((m: { role: string }) => m.role).sort(), ['member', 'owner']);
    const groups = await call(h, 'GET', '/v1/groups', { token: owner.token });
    assert.deepEqual(groups.body.groups.map((g: { name: string }) => g.name), ['Family']);
  });
});
