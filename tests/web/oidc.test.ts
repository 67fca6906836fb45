/**
 * Signing in through an external OpenID provider in a real browser against the real
 * appliance and a real provider (npm `oidc-provider`, tests/support/oidc-provider.ts): the
 * provider's button on the sign-in page, the redirects, and the app signed in from the
 * one-time code (which leaves the address bar), an invite link's group joined that way, and a
 * refused one shown in words.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { freePort } from '../support/net.ts';
import { CLIENT, startProvider, type TestProvider } from '../support/oidc-provider.ts';
import { apiCall, assertNoProblems, browserSkip, launchBrowser, person, startAppliance, WEB_TIMEOUT, type Appliance } from './support.ts';

describe('signing in through an OpenID provider', { skip: browserSkip, timeout: WEB_TIMEOUT }, () => {
  let app: Appliance;
  let browser: Browser;
  let op: TestProvider;
  before(async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    op = await startProvider([`${base}/v1/auth/oidc/home/callback`]);
    [app, browser] = await Promise.all([
      startAppliance(
        `public_url: "${base}"
users { registration: "open" }
oidc { providers { home { issuer: "${op.issuer}", client_id: "${CLIENT.id}", client_secret: "${CLIENT.secret}", label: "Sign in with Home" } } }`,
        'node',
        { http: `127.0.0.1:${port}` },
      ),
      launchBrowser(),
    ]);
    // The first account (the admin) exists, so the app opens on the sign-in page.
    await apiCall(app, 'POST', '/v1/auth/register', { body: { email: 'root@example.com', password: 'a long root password', displayName: 'Root' }, expect: 201 });
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
    await op?.close();
  });

  it('signs in with the provider\'s button and lands signed in, with no code left in the address', async () => {
    op.account('fay-sub', { email: 'fay@example.com', email_verified: true, name: 'Fay' });
    op.next = 'fay-sub';
    const p = await person(browser, app);
    await p.page.goto('/');
    await p.page.getByRole('link', { name: 'Sign in with Home' }).click();
    await p.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Map' }).waitFor();
    assert.doesNotMatch(p.page.url(), /oidc/);
    assertNoProblems(p);
    await p.context.close();
  });

  it('joins the invite\'s group when a new account is made through the provider from an invite link', async () => {
    const root = await apiCall(app, 'POST', '/v1/auth/login', { body: { email: 'root@example.com', password: 'a long root password' }, expect: 200 });
    const group = await apiCall(app, 'POST', '/v1/groups', { token: root.accessToken, body: { name: 'Family' }, expect: 201 });
    const invite = await apiCall(app, 'POST', `/v1/groups/${group.id}/invites`, { token: root.accessToken, body: {}, expect: 201 });
    op.account('gus-sub', { email: 'gus@example.com', email_verified: true, name: 'Gus' });
    op.next = 'gus-sub';
    const p = await person(browser, app);
    await p.page.goto(`/join/${invite.code}`);
    await p.page.getByRole('button', { name: 'Already have an account? Sign in to join' }).click();
    await p.page.getByRole('link', { name: 'Sign in with Home' }).click();
    await p.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Map' }).waitFor();
    const members = await apiCall(app, 'GET', `/v1/groups/${group.id}/members`, { token: root.accessToken, expect: 200 });
    assert.ok(members.members.some((m: { displayName: string }) => m.displayName === 'Gus'), JSON.stringify(members));
    await p.context.close();
  });

  it('says in words why a sign-in was refused', async () => {
    op.account('root-sub', { email: 'root@example.com', email_verified: true });
    op.next = 'root-sub';
    const p = await person(browser, app);
    await p.page.goto('/');
    await p.page.getByRole('link', { name: 'Sign in with Home' }).click();
    await p.page.getByRole('alert').filter({ hasText: 'An account with this email already exists here' }).waitFor();
    await p.context.close();
  });
});
