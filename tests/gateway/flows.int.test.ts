/**
 * Every flow of the API, as table-driven scenarios run in order against the real gateway
 * and users service (each row: who asks, the request, the expected status, and what the
 * answer must show). Later rows build on the state earlier ones made.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertProblem, call, type Answer } from '../support/http.ts';
import { joinGroup, makeGroup, signIn, signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

interface World {
  h: InProcessHearth;
  ann: User;
  bo: User;
  cy: User;
  group: string;
  annSecond?: User;
  appPassword?: { id: string; password: string };
  invite?: string;
}

interface Scenario {
  name: string;
  as?: (w: World) => { token?: string; basic?: [string, string] };
  method: string;
  path: (w: World) => string;
  body?: (w: World) => unknown;
  headers?: Record<string, string>;
  status: number;
  code?: string;
  expect?: (a: Answer, w: World) => void | Promise<void>;
}

const asAnn = (w: World) => ({ token: w.ann.token });
const asBo = (w: World) => ({ token: w.bo.token });
const asCy = (w: World) => ({ token: w.cy.token });
const g = (w: World) => w.group;

const SCENARIOS: Scenario[] = [
  {
    name: 'shows my profile',
    as: asAnn,
    method: 'GET',
    path: () => '/v1/me',
    status: 200,
    expect: (a, w) => assert.deepEqual([Object.keys(a.body).sort(), a.body.id], [['admin', 'avatar', 'createdAt', 'displayName', 'email', 'id'], w.ann.userId]),
  },
  { name: 'renames me', as: asAnn, method: 'PATCH', path: () => '/v1/me', body: () => ({ displayName: 'Annie' }), status: 200, expect: (a) => assert.equal(a.body.displayName, 'Annie') },
  {
    name: 'lists my groups with my role',
    as: asAnn,
    method: 'GET',
    path: () => '/v1/groups',
    status: 200,
    expect: (a, w) => assert.deepEqual(a.body.groups.map((x: { id: string; role: string }) => [x.id, x.role]), [[w.group, 'owner']]),
  },
  { name: 'shows one group', as: asBo, method: 'GET', path: (w) => `/v1/groups/${g(w)}`, status: 200, expect: (a) => assert.deepEqual([a.body.name, a.body.role, a.body.memberCount], ['Family', 'member', 2]) },
  { name: 'lets the owner rename the group', as: asAnn, method: 'PATCH', path: (w) => `/v1/groups/${g(w)}`, body: () => ({ name: 'Home' }), status: 200, expect: (a) => assert.equal(a.body.name, 'Home') },
  { name: 'does not let a member rename it', as: asBo, method: 'PATCH', path: (w) => `/v1/groups/${g(w)}`, body: () => ({ name: 'Mine' }), status: 403, code: 'users.insufficient_role' },
  {
    name: 'creates a one-use invite',
    as: asAnn,
    method: 'POST',
    path: (w) => `/v1/groups/${g(w)}/invites`,
    body: () => ({ maxUses: 1, expiresInSeconds: 3600 }),
    status: 201,
    expect: (a, w) => {
      w.invite = a.body.code;
      assert.equal(a.body.url, `https://hearth.test/join/${a.body.code}`);
      assert.deepEqual([a.body.maxUses, a.body.uses, a.body.groupId], [1, 0, w.group]);
    },
  },
  { name: 'lists the invites with links', as: asAnn, method: 'GET', path: (w) => `/v1/groups/${g(w)}/invites`, status: 200, expect: (a, w) => assert.ok(a.body.invites.some((i: { code: string; url: string }) => i.code === w.invite && i.url.endsWith(w.invite!))) },
  { name: 'lets a third user accept it', as: asCy, method: 'POST', path: (w) => `/v1/invites/${w.invite}/accept`, status: 200, expect: (a, w) => assert.equal(a.body.groupId, w.group) },
  { name: 'refuses the used-up invite to anyone else', as: asBo, method: 'POST', path: (w) => `/v1/invites/${w.invite}/accept`, status: 404, code: 'users.invite_used_up' },
  { name: 'shows the new member at once', as: asCy, method: 'GET', path: (w) => `/v1/groups/${g(w)}/members`, status: 200, expect: (a) => assert.equal(a.body.members.length, 3) },
  {
    name: 'makes a member an admin',
    as: asAnn,
    method: 'PUT',
    path: (w) => `/v1/groups/${g(w)}/members/${w.bo.userId}/role`,
    body: () => ({ role: 'admin' }),
    status: 200,
    expect: (a, w) => assert.deepEqual([a.body.userId, a.body.role], [w.bo.userId, 'admin']),
  },
  { name: 'lets the new admin list invites', as: asBo, method: 'GET', path: (w) => `/v1/groups/${g(w)}/invites`, status: 200 },
  { name: 'does not let an admin change roles', as: asBo, method: 'PUT', path: (w) => `/v1/groups/${g(w)}/members/${w.cy.userId}/role`, body: () => ({ role: 'admin' }), status: 403 },
  { name: 'answers 404 for revoking an invite that no longer works', as: asBo, method: 'DELETE', path: (w) => `/v1/groups/${g(w)}/invites/${w.invite}`, status: 404, code: 'users.invite_invalid' },
  { name: 'lets an admin create an invite', as: asBo, method: 'POST', path: (w) => `/v1/groups/${g(w)}/invites`, body: () => ({}), status: 201, expect: (a, w) => void (w.invite = a.body.code) },
  {
    name: 'revokes an invite',
    as: asBo,
    method: 'DELETE',
    path: (w) => `/v1/groups/${g(w)}/invites/${w.invite}`,
    status: 204,
    expect: async (_a, w) => {
      const list = await call(w.h, 'GET', `/v1/groups/${w.group}/invites`, { token: w.bo.token });
      assert.ok(!list.text.includes(w.invite!));
      assertProblem(await call(w.h, 'POST', `/v1/invites/${w.invite}/accept`, { token: w.cy.token }), 404, 'users.invite_revoked');
    },
  },
  { name: 'transfers the group', as: asAnn, method: 'POST', path: (w) => `/v1/groups/${g(w)}/transfer`, body: (w) => ({ userId: w.bo.userId }), status: 204 },
  { name: 'no longer lets the old owner delete it', as: asAnn, method: 'DELETE', path: (w) => `/v1/groups/${g(w)}`, status: 403 },
  { name: 'does not let the owner leave', as: asBo, method: 'POST', path: (w) => `/v1/groups/${g(w)}/leave`, status: 409, code: 'users.owner_must_transfer' },
  { name: 'lets the owner remove a member', as: asBo, method: 'DELETE', path: (w) => `/v1/groups/${g(w)}/members/${w.cy.userId}`, status: 204 },
  { name: 'hides the group from the removed member', as: asCy, method: 'GET', path: (w) => `/v1/groups/${g(w)}/members`, status: 404 },
  { name: 'lets an admin leave', as: asAnn, method: 'POST', path: (w) => `/v1/groups/${g(w)}/leave`, status: 204 },
  { name: 'hides the group from who left', as: asAnn, method: 'GET', path: (w) => `/v1/groups/${g(w)}`, status: 404 },
  { name: 'lets the owner delete the group (its deletion begins)', as: asBo, method: 'DELETE', path: (w) => `/v1/groups/${g(w)}`, status: 202 },
  { name: 'forgets the deleted group', as: asBo, method: 'GET', path: () => '/v1/groups', status: 200, expect: (a) => assert.deepEqual(a.body.groups, []) },
  {
    name: 'lists my sessions',
    as: asAnn,
    method: 'GET',
    path: () => '/v1/me/sessions',
    status: 200,
    expect: (a, w) => {
      const ids = a.body.sessions.map((s: { id: string }) => s.id);
      assert.ok(ids.includes(w.ann.sessionId) && ids.includes(w.annSecond!.sessionId));
      assert.equal(a.body.sessions.find((s: { id: string }) => s.id === w.ann.sessionId).current, true);
    },
  },
  {
    name: 'signs another session out, whose token then stops working',
    as: asAnn,
    method: 'DELETE',
    path: (w) => `/v1/me/sessions/${w.annSecond!.sessionId}`,
    status: 204,
    expect: async (_a, w) => assertProblem(await call(w.h, 'GET', '/v1/me', { token: w.annSecond!.token }), 401, 'gateway.session_revoked'),
  },
  {
    name: 'creates an app password shown once',
    as: asAnn,
    method: 'POST',
    path: () => '/v1/me/app-passwords',
    body: () => ({ label: 'OwnTracks' }),
    status: 201,
    expect: (a, w) => {
      w.appPassword = { id: a.body.id, password: a.body.password };
      assert.match(a.body.password, /^hap_/);
    },
  },
  { name: 'accepts the app password over HTTP Basic', as: (w) => ({ basic: [w.ann.email, w.appPassword!.password] }), method: 'GET', path: () => '/v1/me', status: 200, expect: (a, w) => assert.equal(a.body.id, w.ann.userId) },
  { name: 'accepts it on group routes too', as: (w) => ({ basic: [w.ann.email, w.appPassword!.password] }), method: 'GET', path: () => '/v1/groups', status: 200 },
  { name: 'refuses it for account security', as: (w) => ({ basic: [w.ann.email, w.appPassword!.password] }), method: 'POST', path: () => '/v1/me/app-passwords', body: () => ({ label: 'x' }), status: 401, code: 'gateway.session_required' },
  { name: 'refuses a wrong app password', as: (w) => ({ basic: [w.ann.email, 'hap_wrong'] }), method: 'GET', path: () => '/v1/me', status: 401, code: 'gateway.bad_credentials' },
  { name: 'refuses the account password over Basic', as: (w) => ({ basic: [w.ann.email, w.ann.password] }), method: 'GET', path: () => '/v1/me', status: 401 },
  { name: 'lists app passwords without secrets', as: asAnn, method: 'GET', path: () => '/v1/me/app-passwords', status: 200, expect: (a, w) => assert.ok(!a.text.includes(w.appPassword!.password)) },
  { name: 'revokes an app password', as: asAnn, method: 'DELETE', path: (w) => `/v1/me/app-passwords/${w.appPassword!.id}`, status: 204 },
  { name: 'refuses a revoked app password at once', as: (w) => ({ basic: [w.ann.email, w.appPassword!.password] }), method: 'GET', path: () => '/v1/me', status: 401 },
  { name: 'refuses a wrong current password', as: asAnn, method: 'POST', path: () => '/v1/me/password', body: (w) => ({ currentPassword: 'not it at all', newPassword: w.ann.password + '!' }), status: 403 },
  {
    name: 'publishes the signing keys',
    method: 'GET',
    path: () => '/.well-known/jwks.json',
    status: 200,
    expect: (a) => {
      assert.ok(a.body.keys.length >= 1);
      for (const k of a.body.keys) assert.deepEqual([k.kty, k.crv, k.alg, 'd' in k], ['OKP', 'Ed25519', 'EdDSA', false]);
    },
  },
  {
    name: 'describes itself for discovery',
    method: 'GET',
    path: () => '/.well-known/openid-configuration',
    status: 200,
    expect: (a) => assert.deepEqual([a.body.issuer, a.body.jwks_uri], ['https://hearth.test', 'https://hearth.test/.well-known/jwks.json']),
  },
];

describe('gateway: flows', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('gw-flows');
  const w = {} as World;

  before(async () => {
    w.h = await startInProcessHearth(broker().url, dir);
    [w.ann, w.bo, w.cy] = [await signUp(w.h, 'Ann'), await signUp(w.h, 'Bo'), await signUp(w.h, 'Cy')];
    w.group = await makeGroup(w.h, w.ann, 'Family');
    await joinGroup(w.h, w.group, w.ann, w.bo);
    w.annSecond = await signIn(w.h, 'Ann', w.ann.email, w.ann.password);
  });
  after(() => w.h?.stop());

  for (const s of SCENARIOS) {
    it(s.name, async () => {
      const a = await call(w.h, s.method, s.path(w), { ...s.as?.(w), body: s.body?.(w), headers: s.headers });
      if (s.status >= 400) assertProblem(a, s.status, s.code);
      else assert.equal(a.status, s.status, a.text);
      await s.expect?.(a, w);
    });
  }

  it('rotates refresh tokens and ends the session when a spent one is used again', async () => {
    const u = await signUp(w.h, 'Rita');
    const next = await call(w.h, 'POST', '/v1/auth/refresh', { body: { refreshToken: u.refreshToken } });
    assert.equal(next.status, 200, next.text);
    assert.notEqual(next.body.refreshToken, u.refreshToken);
    assert.equal((await call(w.h, 'GET', '/v1/me', { token: next.body.accessToken })).status, 200);
    assertProblem(await call(w.h, 'POST', '/v1/auth/refresh', { body: { refreshToken: u.refreshToken } }), 401, 'users.refresh_reused');
    await waitFor('the session to be refused', async () => (await call(w.h, 'GET', '/v1/me', { token: next.body.accessToken })).status === 401);
    assertProblem(await call(w.h, 'POST', '/v1/auth/refresh', { body: { refreshToken: next.body.refreshToken } }), 401);
  });

  it('changes the password, ending every other session but this one', async () => {
    const u = await signUp(w.h, 'Pia');
    const other = await signIn(w.h, 'Pia', u.email, u.password);
    const res = await call(w.h, 'POST', '/v1/me/password', { token: u.token, body: { currentPassword: u.password, newPassword: 'a brand new password' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.revoked, 1);
    await waitFor('the other session to be refused', async () => (await call(w.h, 'GET', '/v1/me', { token: other.token })).status === 401);
    assert.equal((await call(w.h, 'GET', '/v1/me', { token: u.token })).status, 200);
    assert.equal((await call(w.h, 'POST', '/v1/auth/login', { body: { email: u.email, password: 'a brand new password' } })).status, 200);
    assertProblem(await call(w.h, 'POST', '/v1/auth/login', { body: { email: u.email, password: u.password } }), 401);
  });

  it('signs out everywhere', async () => {
    const u = await signUp(w.h, 'Eve');
    const other = await signIn(w.h, 'Eve', u.email, u.password);
    const out = await call(w.h, 'POST', '/v1/auth/logout', { token: u.token, body: { everywhere: true } });
    assert.deepEqual([out.status, out.body.revoked], [200, 2]);
    assertProblem(await call(w.h, 'GET', '/v1/me', { token: u.token }), 401);
    await waitFor('the other session to be refused', async () => (await call(w.h, 'GET', '/v1/me', { token: other.token })).status === 401);
  });

  it('deletes an account: its tokens stop working and it cannot sign in', async () => {
    const u = await signUp(w.h, 'Del');
    assertProblem(await call(w.h, 'DELETE', '/v1/me', { token: u.token, body: { password: 'wrong password' } }), 403);
    assert.equal((await call(w.h, 'DELETE', '/v1/me', { token: u.token, body: { password: u.password } })).status, 202);
    await waitFor('the token to be refused', async () => (await call(w.h, 'GET', '/v1/me', { token: u.token })).status === 401);
    assertProblem(await call(w.h, 'POST', '/v1/auth/login', { body: { email: u.email, password: u.password } }), 401);
  });

  it('rotates the signing key (admin only); new tokens verify at once, old ones still do', async () => {
    const first = w.ann; // the first account of an open instance is its admin
    assertProblem(await call(w.h, 'POST', '/v1/admin/keys/rotate', { token: w.bo.token }), 403, 'users.admin_only');
    const rotated = await call(w.h, 'POST', '/v1/admin/keys/rotate', { token: first.token });
    assert.equal(rotated.status, 200, rotated.text);
    const fresh = await signIn(w.h, 'Ann', first.email, first.password);
    assert.equal(JSON.parse(Buffer.from(fresh.token.split('.')[0]!, 'base64url').toString()).kid, rotated.body.kid);
    assert.equal((await call(w.h, 'GET', '/v1/me', { token: fresh.token })).status, 200);
    assert.equal((await call(w.h, 'GET', '/v1/me', { token: first.token })).status, 200);
  });
});
