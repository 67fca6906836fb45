/**
 * Getting in, in a real browser against the real appliance: the first run creates the
 * admin and the group, an invite link opened in a second browser joins it, signing in and
 * out, and a page opened at a later path.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { apiCall, assertAccessible, assertNoProblems, browserSkip, launchBrowser, person, signInPage, startAppliance, WEB_TIMEOUT, type Appliance } from './support.ts';

describe('getting in', { skip: browserSkip, timeout: WEB_TIMEOUT }, () => {
  let app: Appliance;
  let browser: Browser;
  before(async () => {
    [app, browser] = await Promise.all([startAppliance(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('creates the first admin and the group on a fresh Hearth, then an invite link joins a second person', async () => {
    const ann = await person(browser, app);
    await ann.page.goto('/');
    await ann.page.getByRole('heading', { name: 'Welcome to your Hearth' }).waitFor();
    await assertAccessible(ann.page, 'first run');
    await ann.page.getByLabel('Your name').fill('Ann');
    await ann.page.getByLabel('Email').fill('ann@example.com');
    await ann.page.getByLabel('Password').fill('correct horse battery');
    await ann.page.getByRole('button', { name: 'Create the first account' }).click();
    await ann.page.getByRole('heading', { name: 'Name your group' }).waitFor();
    await ann.page.getByLabel('Group name').fill('The Lees');
    await ann.page.getByRole('button', { name: 'Create group' }).click();
    await ann.page.getByRole('navigation', { name: 'Main' }).waitFor();
    await ann.page.getByText('The Lees').first().waitFor();

    // The invite is made through the API here (the group view's own test covers its UI).
    const login = await apiCall(app, 'POST', '/v1/auth/login', { body: { email: 'ann@example.com', password: 'correct horse battery' } });
    const [group] = (await apiCall(app, 'GET', '/v1/groups', { token: login.accessToken })).groups;
    const invite = await apiCall(app, 'POST', `/v1/groups/${group.id}/invites`, { token: login.accessToken, body: {} });
    assert.match(invite.url, /\/join\/[A-Za-z0-9_-]+$/);

    const bo = await person(browser, app);
    await bo.page.goto(new URL(invite.url).pathname);
    await bo.page.getByRole('heading', { name: 'Join The Lees' }).waitFor();
    await bo.page.getByText('Ann invited you to join The Lees').waitFor();
    await assertAccessible(bo.page, 'join page');
    await bo.page.getByLabel('Your name').fill('Bo');
    await bo.page.getByLabel('Email').fill('bo@example.com');
    await bo.page.getByLabel('Password').fill('another long password');
    await bo.page.getByRole('button', { name: 'Create account and join' }).click();
    await bo.page.getByRole('navigation', { name: 'Main' }).waitFor();
    assert.equal(new URL(bo.page.url()).pathname, '/map');

    const members = await apiCall(app, 'GET', `/v1/groups/${group.id}/members`, { token: login.accessToken });
    assert.deepEqual(members.members.map((m: { displayName: string }) => m.displayName).sort(), ['Ann', 'Bo']);
    assertNoProblems(ann, bo);
    await ann.context.close();
    await bo.context.close();
  });

  it('signs in with Email and Password, keeps the session over a reload, and signs out', async () => {
    const p = await person(browser, app);
    await signInPage(p, { name: 'Bo', email: 'bo@example.com', password: 'another long password', userId: '', token: '' });
    await assertAccessible(p.page, 'map after sign-in');
    await p.page.reload();
    await p.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Map' }).waitFor();
    assertNoProblems(p);
    await p.context.close();
  });

  it('refuses a wrong password with words, not a code', async () => {
    const p = await person(browser, app);
    await p.page.goto('/');
    await p.page.getByLabel('Email').fill('bo@example.com');
    await p.page.getByLabel('Password', { exact: true }).fill('not the password');
    // The 401 the API answers is the only console line, and it is the browser's, not the app's.
    p.allowConsole.push(/401 \(Unauthorized\) @ .*\/v1\/auth\/login$/);
    await p.page.getByRole('button', { name: 'Sign in' }).click();
    await p.page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
    assertNoProblems(p);
    await p.context.close();
  });
});
