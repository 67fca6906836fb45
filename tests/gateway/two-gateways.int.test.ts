/**
 * Two gateways on one broker, as behind a load balancer (#19): what one does to a
 * credential holds on the other within a second. Each gateway caches verified app
 * passwords (30 s); revoking one on either gateway publishes `app_password.revoked`, and
 * every gateway forgets that user's cached verifications at once. A sign-out, published as
 * `session.revoked`, reaches the other gateway's read model the same way, as do a session
 * ended from another device and a member's removal. Rate limits are
 * shared: each gateway counts the gateways alive (`evt.gateway.alive`) and allows its share.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decode, encode, type RunningService } from '../../src/kit/index.ts';
import { joinGroup, makeGroup, signIn, signUp, type User } from '../support/accounts.ts';
import { useBroker } from '../support/broker.ts';
import { assertProblem, call } from '../support/http.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { startSecondGateway } from '../support/gateways.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';

describe('gateway: two gateways on one broker', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('gw-two');
  let h: InProcessHearth;
  let second: RunningService;
  let a: { url: string };
  let b: { url: string };
  let ann: User;

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, (c) => (c.gateway.user_rate_per_minute = 600)); // the default, which the rate-limit test shares
    const started = await startSecondGateway(h, broker().url, dir);
    [second, b] = [started.service, { url: started.url }];
    a = { url: h.url };
    ann = await signUp(a, 'Ann');
  });
  after(async () => {
    await second?.stop();
    await h?.stop();
  });

  it('refuses an app password on the other gateway within a second of its revocation, though that gateway had it cached', async () => {
    const made = await call(a, 'POST', '/v1/me/app-passwords', { token: ann.token, body: { label: 'phone' } });
    assert.equal(made.status, 201, made.text);
    const basic: [string, string] = [ann.email, made.body.password];
    // Both gateways verify it once and cache the verification.
    for (const g of [a, b]) assert.equal((await call(g, 'GET', '/v1/me', { basic })).status, 200);
    assert.equal((await call(a, 'DELETE', `/v1/me/app-passwords/${made.body.id}`, { token: ann.token })).status, 204);
    const started = Date.now();
    await waitFor('the other gateway to refuse the revoked app password', async () => (await call(b, 'GET', '/v1/me', { basic })).status === 401, 1000);
    assert.ok(Date.now() - started <= 1000);
    assertProblem(await call(b, 'GET', '/v1/me', { basic }), 401, 'gateway.bad_credentials');
    assertProblem(await call(a, 'GET', '/v1/me', { basic }), 401, 'gateway.bad_credentials');
  });

  it('keeps another app password of the same user working on both gateways', async () => {
    const kept = await call(b, 'POST', '/v1/me/app-passwords', { token: ann.token, body: { label: 'tablet' } });
    const gone = await call(b, 'POST', '/v1/me/app-passwords', { token: ann.token, body: { label: 'old phone' } });
    const basic: [string, string] = [ann.email, kept.body.password];
    for (const g of [a, b]) assert.equal((await call(g, 'GET', '/v1/me', { basic })).status, 200);
    assert.equal((await call(b, 'DELETE', `/v1/me/app-passwords/${gone.body.id}`, { token: ann.token })).status, 204);
    // The caches forgot the user; the next use verifies again with the users service, and passes.
    for (const g of [a, b]) assert.equal((await call(g, 'GET', '/v1/me', { basic })).status, 200);
  });

  it('refuses a session signed out on one gateway on the other within a second', async () => {
    const other = await call(a, 'POST', '/v1/auth/login', { body: { email: ann.email, password: ann.password } });
    assert.equal(other.status, 200, other.text);
    const token = other.body.accessToken as string;
    assert.equal((await call(b, 'GET', '/v1/me', { token })).status, 200);
    assert.equal((await call(a, 'POST', '/v1/auth/logout', { token, body: {} })).status, 200);
    await waitFor('the other gateway to refuse the signed-out session', async () => (await call(b, 'GET', '/v1/me', { token })).status === 401, 1000);
    assertProblem(await call(b, 'GET', '/v1/me', { token }), 401, 'gateway.session_revoked');
  });

  it('refuses a session ended from another device, and a removed member, on the other gateway within a second', async () => {
    const phone = await signIn(a, 'Ann', ann.email, ann.password);
    assert.equal((await call(b, 'GET', '/v1/me', { token: phone.token })).status, 200);
    assert.equal((await call(a, 'DELETE', `/v1/me/sessions/${phone.sessionId}`, { token: ann.token })).status, 204);
    await waitFor('the other gateway to refuse the ended session', async () => (await call(b, 'GET', '/v1/me', { token: phone.token })).status === 401, 1000);

    const cy = await signUp(b, 'Cy');
    const group = await makeGroup(a, ann, 'Street');
    await joinGroup(b, group, ann, cy);
    await waitFor('Cy a member on both gateways', async () => {
      for (const g of [a, b]) if ((await call(g, 'GET', `/v1/groups/${group}/places`, { token: cy.token })).status !== 200) return false;
      return true;
    });
    assert.equal((await call(a, 'DELETE', `/v1/groups/${group}/members/${cy.userId}`, { token: ann.token })).status, 204);
    await waitFor('the other gateway to refuse the removed member', async () => (await call(b, 'GET', `/v1/groups/${group}/places`, { token: cy.token })).status === 404, 1000);
    assertProblem(await call(b, 'GET', `/v1/groups/${group}/places`, { token: cy.token }), 404, 'membership.not_a_member');
  });

  it('shares each rate limit between the gateways: each allows half of what one would', async () => {
    // Each gateway's health says how many gateways it counts.
    const counted = async () => {
      const seen = new Map<string, string>();
      for (let i = 0; i < 20 && seen.size < 2; i++) {
        const msg = await h.nc.request('sys.health.gateway', encode({}), { timeout: 1000 });
        const info = (decode(msg.data) as { ok: { info: { url: string; gateways: string } } }).ok.info;
        seen.set(info.url, info.gateways);
      }
      return [...seen.values()];
    };
    assert.deepEqual(await counted(), ['2', '2']);
    // user_rate_per_minute: 600 — each gateway lets a user make 300 requests in a burst.
    const bea = await signUp(b, 'Bea');
    const burst = async (g: { url: string }) => {
      let ok = 0;
      for (;;) {
        const res = await call(g, 'GET', '/v1/me', { token: bea.token });
        if (res.status === 429) return { ok, res };
        assert.equal(res.status, 200, res.text);
        ok++;
      }
    };
    for (const g of [a, b]) {
      const { ok, res } = await burst(g);
      // The bucket refills at 5 a second while the burst runs.
      assert.ok(ok >= 299 && ok < 340, `${ok} requests before the first 429`);
      assertProblem(res, 429, 'gateway.rate_limited');
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
    }
  });
});
