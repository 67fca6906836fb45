/**
 * The links forwarded alerts open (docs/notifications.md, ntfy: `click`): `/map?group=<id>`
 * shows that group's map in a real browser, once per visit of the link — a group picked
 * afterwards stands — and a link to a group that is not mine changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { account, apiCall, assertNoProblems, browserSkip, launchBrowser, person, signInPage, startAppliance, WEB_TIMEOUT, type Account, type Appliance } from './support.ts';

describe('links from forwarded alerts', { skip: browserSkip, timeout: WEB_TIMEOUT }, () => {
  let app: Appliance;
  let browser: Browser;
  let ann: Account;
  let family: string;
  let club: string;
  let strangers: string;

  before(async () => {
    [app, browser] = await Promise.all([startAppliance(), launchBrowser()]);
    ann = await account(app, 'Ann');
    family = (await apiCall(app, 'POST', '/v1/groups', { token: ann.token, body: { name: 'Family' } })).id;
    club = (await apiCall(app, 'POST', '/v1/groups', { token: ann.token, body: { name: 'Climbing club' } })).id;
    const invite = await apiCall(app, 'POST', `/v1/groups/${club}/invites`, { token: ann.token, body: {} });
    const zed = await account(app, 'Zed', invite.code);
    strangers = (await apiCall(app, 'POST', '/v1/groups', { token: zed.token, body: { name: 'Strangers' } })).id;
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('opens the map of the group a link names, and then lets me pick another', async () => {
    const a = await person(browser, app);
    await signInPage(a, ann);
    const picker = a.page.getByRole('combobox', { name: 'Group' });
    await picker.selectOption(family);

    await a.page.goto(`/map?group=${club}`);
    await a.page.getByRole('heading', { name: 'Map' }).waitFor({ state: 'attached' });
    await a.page.waitForFunction((id) => (document.querySelector('.group-picker select') as HTMLSelectElement | null)?.value === id, club);

    await picker.selectOption(family);
    await a.page.waitForTimeout(300);
    assert.equal(await picker.inputValue(), family, 'a pick after following the link stands');

    await a.page.goto(`/map?group=${strangers}`);
    await a.page.getByRole('heading', { name: 'Map' }).waitFor({ state: 'attached' });
    await a.page.waitForTimeout(300);
    assert.equal(await picker.inputValue(), family, 'a group that is not mine changes nothing');
    assertNoProblems(a);
    await a.context.close();
  });
});
