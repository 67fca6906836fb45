/**
 * Signing in through an external OpenID provider, against a real one (npm `oidc-provider`
 * on loopback, tests/support/oidc-provider.ts), the browser's redirects driven with fetch
 * and a cookie jar: the first account, the same person again, invite-only and open
 * registration, linking by verified e-mail when allowed and the refusal when not, and the
 * refusals the flow exists for — an unknown state, another browser, a replayed callback,
 * a wrong nonce, a wrong PKCE challenge, a wrong issuer, a wrong audience, an expired ID token, a spent one-time code,
 * a provider that cannot be reached, a provider that shares no e-mail.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HearthConfig } from '../../src/config/index.ts';
import { signUp } from '../support/accounts.ts';
import { useBroker } from '../support/broker.ts';
import { call } from '../support/http.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { Browser, CLIENT, HEARTH_PUBLIC, startProvider, type Landing, type TestProvider } from '../support/oidc-provider.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';

const CALLBACK = `${HEARTH_PUBLIC}/v1/auth/oidc/test/callback`;

describe('gateway: sign-in through an external OpenID provider', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('oidc');
  let op: TestProvider;
  let h: InProcessHearth;

  before(async () => {
    op = await startProvider([CALLBACK]);
  });
  after(async () => {
    await op?.close();
  });

  async function startHearth(edit: (c: HearthConfig) => void): Promise<void> {
    h = await startInProcessHearth(broker().url, dir, (c) => {
      c.oidc.providers = {
        test: { issuer: op.issuer, client_id: CLIENT.id, client_secret: CLIENT.secret, scopes: 'openid email profile', label: 'Family login' },
        down: { issuer: 'http://127.0.0.1:1', client_id: 'hearth', client_secret: 'x', scopes: 'openid email', label: '' },
      };
      edit(c);
    });
  }

  /** A sign-in by provider account `who` in a fresh browser. */
  function signInAs(who: string, o: { invite?: string; browser?: Browser; onRedirect?: (l: URL) => URL } = {}): Promise<Landing> {
    op.next = who;
    return (o.browser ?? new Browser(h.url)).go(`${h.url}/v1/auth/oidc/test/start${o.invite ? `?invite=${o.invite}` : ''}`, o.onRedirect);
  }

  async function tokens(l: Landing): Promise<{ accessToken: string; userId: string }> {
    const code = l.fragment?.get('oidc');
    assert.ok(code, `no one-time code: ${l.res.status} ${await l.res.text()}`);
    const x = await call(h, 'POST', '/v1/auth/oidc/exchange', { body: { code } });
    assert.equal(x.status, 200, x.text);
    assert.equal(x.headers.get('cache-control'), 'no-store');
    return x.body;
  }

  async function refused(l: Landing, status: number, code: string, detail?: RegExp): Promise<void> {
    assert.equal(l.fragment, undefined, 'landed in the web app');
    const text = await l.res.text();
    assert.equal(l.res.status, status, text);
    assert.equal(l.res.headers.get('content-type'), 'application/problem+json');
    const body = JSON.parse(text);
    assert.equal(body.code, code, text);
    if (detail) assert.match(body.detail, detail);
  }

  describe('invite-only, no linking by e-mail', () => {
    let alice: { accessToken: string; userId: string };
    let invite: string;
    before(() => startHearth((c) => void (c.users.registration = 'invite-only')));
    after(() => h?.stop());

    it('lists the provider for the sign-in page', async () => {
      const r = await call(h, 'GET', '/v1/instance');
      assert.deepEqual(r.body.oidc, [{ name: 'test', label: 'Family login' }, { name: 'down', label: 'Sign in with down' }]);
    });

    it('signs the first person in as the instance admin, and the same person again into the same account', async () => {
      op.account('alice-sub', { email: 'Alice@Example.com', email_verified: true, name: 'Alice' });
      const first = await signInAs('alice-sub');
      alice = await tokens(first);
      const me = await call(h, 'GET', '/v1/me', { token: alice.accessToken });
      assert.equal(me.status, 200, me.text);
      assert.deepEqual({ email: me.body.email, admin: me.body.admin, displayName: me.body.displayName }, { email: 'alice@example.com', admin: true, displayName: 'Alice' });
      const again = await tokens(await signInAs('alice-sub'));
      assert.equal(again.userId, alice.userId);
      // No password opens an account made through a provider.
      const pw = await call(h, 'POST', '/v1/auth/login', { body: { email: 'alice@example.com', password: 'external' } });
      assert.equal(pw.status, 401, pw.text);
    });

    it('trades a one-time code once', async () => {
      const l = await signInAs('alice-sub');
      await tokens(l);
      const x = await call(h, 'POST', '/v1/auth/oidc/exchange', { body: { code: l.fragment!.get('oidc') } });
      assert.equal(x.status, 401, x.text);
      assert.equal(x.body.code, 'auth.oidc_code_invalid');
    });

    it('refuses a new person without an invite, and admits them with one into its group', async () => {
      op.account('bob-sub', { email: 'bob@example.com', email_verified: true, name: 'Bob' });
      await refused(await signInAs('bob-sub'), 403, 'users.invite_required');
      const group = await call(h, 'POST', '/v1/groups', { token: alice.accessToken, body: { name: 'Family' } });
      assert.equal(group.status, 201, group.text);
      const inv = await call(h, 'POST', `/v1/groups/${group.body.id}/invites`, { token: alice.accessToken, body: { maxUses: 5 } });
      assert.equal(inv.status, 201, inv.text);
      invite = inv.body.code;
      const bob = await tokens(await signInAs('bob-sub', { invite }));
      const groups = await call(h, 'GET', '/v1/groups', { token: bob.accessToken });
      assert.equal(groups.status, 200, groups.text);
      assert.deepEqual(groups.body.groups.map((g: { id: string }) => g.id), [group.body.id]);
    });

    it('refuses a first sign-in whose e-mail already has an account (linking off)', async () => {
      const carol = await signUp(h, 'Carol', invite);
      op.account('carol-sub', { email: carol.email, email_verified: true });
      await refused(await signInAs('carol-sub'), 409, 'users.external_email_taken');
    });

    it('refuses an unknown state, a callback in another browser and a replayed callback', async () => {
      await refused(await new Browser(h.url).go(`${h.url}/v1/auth/oidc/test/callback?code=abc&state=made-up`), 401, 'auth.oidc_refused', /state/);
      let callback: URL | undefined;
      const mine = new Browser(h.url);
      await signInAs('alice-sub', {
        browser: mine,
        onRedirect: (l) => (l.href.startsWith(CALLBACK) ? ((callback = l), new URL(`${HEARTH_PUBLIC}/#stopped`)) : l),
      });
      assert.ok(callback);
      await refused(await new Browser(h.url).go(callback.href), 401, 'auth.oidc_refused', /another browser/);
      assert.equal((await tokens(await mine.go(callback.href))).userId, alice.userId);
      await refused(await mine.go(callback.href), 401, 'auth.oidc_refused', /state/);
    });

    it('refuses an ID token with another nonce than the one sent', async () => {
      const l = await signInAs('alice-sub', {
        onRedirect: (u) => {
          if (u.origin === op.issuer && u.searchParams.has('nonce')) u.searchParams.set('nonce', 'not-the-one-hearth-sent');
          return u;
        },
      });
      await refused(l, 401, 'auth.oidc_refused', /"nonce"/);
    });

    it('refuses a code whose PKCE challenge is not the one Hearth made (the provider refuses the verifier)', async () => {
      const l = await signInAs('alice-sub', {
        onRedirect: (u) => {
          if (u.origin === op.issuer && u.searchParams.has('code_challenge')) u.searchParams.set('code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
          return u;
        },
      });
      await refused(l, 401, 'auth.oidc_refused', /invalid_grant|PKCE|verif/i);
    });

    for (const [what, change, word] of [
      ['a wrong issuer', (c: Record<string, unknown>) => void (c.iss = 'https://evil.example'), /"iss"/],
      ['a wrong audience', (c: Record<string, unknown>) => void (c.aud = 'someone-else'), /"aud"/],
      ['an expired ID token', (c: Record<string, unknown>) => void ((c.exp = Math.floor(Date.now() / 1000) - 3600), (c.iat = Math.floor(Date.now() / 1000) - 7200)), /"exp"/],
    ] as const) {
      it(`refuses an ID token with ${what}, though signed by the provider`, async () => {
        op.tamper = change;
        try {
          await refused(await signInAs('alice-sub'), 401, 'auth.oidc_refused', word);
        } finally {
          op.tamper = undefined;
        }
      });
    }

    it('answers an unknown provider, one that cannot be reached and a bad invite with a problem', async () => {
      const down = await call(h, 'GET', '/v1/auth/oidc/down/start');
      assert.equal(down.status, 503, down.text);
      assert.equal(down.body.code, 'auth.oidc_provider_unavailable');
      const none = await call(h, 'GET', '/v1/auth/oidc/nobody/start');
      assert.equal(none.status, 404, none.text);
      assert.equal(none.body.code, 'auth.oidc_unknown_provider');
      const bad = await call(h, 'GET', '/v1/auth/oidc/test/start?invite=!!');
      assert.equal(bad.status, 400, bad.text);
    });
  });

  describe('open registration, linking by verified e-mail', () => {
    before(() => startHearth((c) => {
      c.users.registration = 'open';
      c.oidc.link_by_email = true;
    }));
    after(() => h?.stop());

    it('links a first sign-in to the account with the same verified e-mail, and refuses an unverified one', async () => {
      const dave = await signUp(h, 'Dave');
      op.account('mallory-sub', { email: dave.email, email_verified: false });
      await refused(await signInAs('mallory-sub'), 409, 'users.external_email_taken');
      op.account('dave-sub', { email: dave.email.toUpperCase(), email_verified: true });
      assert.equal((await tokens(await signInAs('dave-sub'))).userId, dave.userId);
    });

    it('refuses a new person whose provider shares no e-mail', async () => {
      op.account('nomail-sub', { name: 'No Mail' });
      await refused(await signInAs('nomail-sub'), 400, 'users.external_email_missing');
    });

    it('makes a new account without an invite', async () => {
      op.account('erin-sub', { email: 'erin@example.com', email_verified: true, name: 'Erin' });
      const erin = await tokens(await signInAs('erin-sub'));
      const me = await call(h, 'GET', '/v1/me', { token: erin.accessToken });
      assert.deepEqual({ email: me.body.email, admin: me.body.admin }, { email: 'erin@example.com', admin: false });
    });
  });
});
