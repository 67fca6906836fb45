/**
 * Alerts a family chooses, in a real browser against the real appliance: a member picks
 * "tell me when Ann arrives at School" (kept when another setting changes, removable), sees
 * the group's alert settings without being able to change them, and the owner changes them
 * (an empty box turns an alert off).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { apiCall, assertAccessible, assertNoProblems, browserSkip, family, launchBrowser, person, PHONE, signInPage, startAppliance, WEB_TIMEOUT, type Account, type Appliance, type Person } from './support.ts';
import { waitFor } from '../support/poll.ts';

const API = { timeoutMs: 15_000, everyMs: 100 };

/** Signs in and opens the notification settings. */
async function openSettings(p: Person, who: Account, groupId: string): Promise<void> {
  const loaded = p.page.waitForResponse((r) => r.url().endsWith(`/v1/groups/${groupId}/live`) && r.ok());
  await signInPage(p, who);
  await loaded;
  await p.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Alerts/ }).click();
  await p.page.getByRole('navigation', { name: 'Alerts sections' }).getByRole('link', { name: 'Notification settings' }).click();
  await p.page.getByRole('heading', { name: 'Arrivals and departures' }).waitFor();
}

describe('alerts a family chooses', { skip: browserSkip, timeout: WEB_TIMEOUT }, () => {
  let app: Appliance;
  let browser: Browser;
  before(async () => {
    [app, browser] = await Promise.all([startAppliance('users { registration: "open" }'), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('a member watches "Ann arrives at School"; the owner sets the group\u2019s alerts', async () => {
    const { people, groupId } = await family(app, ['Ann', 'Bo']);
    const [ann, bo] = people as [Account, Account];
    const school = await apiCall(app, 'POST', `/v1/groups/${groupId}/places`, { token: ann.token, body: { name: 'School', lat: 52.5, lon: 13.4, radius: 100 }, expect: 201 });

    const b = await person(browser, app, PHONE);
    await openSettings(b, bo, groupId);
    await b.page.getByText('You hear every arrival and departure.').waitFor();
    await b.page.getByText('Low battery: at 15 %. Stopped reporting: after 120 minutes.').waitFor();
    assert.equal(await b.page.getByRole('button', { name: 'Save group alerts' }).count(), 0, 'a member cannot change them');
    await b.page.getByLabel('Who', { exact: true }).selectOption({ label: 'Ann' });
    await b.page.getByLabel('When', { exact: true }).selectOption({ label: 'arrives' });
    await b.page.getByLabel('Where', { exact: true }).selectOption({ label: 'School' });
    await b.page.getByRole('button', { name: 'Tell me' }).click();
    await b.page.getByRole('button', { name: 'Remove “Ann arrives — School”' }).waitFor();
    const watch = { groupId, userId: ann.userId, placeId: school.id, on: 'arrive' };
    assert.deepEqual((await apiCall(app, 'GET', '/v1/notifications/preferences', { token: bo.token })).watches, [watch]);
    // Another setting changed here keeps the watch (a PUT replaces everything).
    await b.page.getByRole('checkbox', { name: 'someone joins a group' }).uncheck();
    await waitFor('the type off', async () => (await apiCall(app, 'GET', '/v1/notifications/preferences', { token: bo.token })).types.member_joined === false, API);
    assert.deepEqual((await apiCall(app, 'GET', '/v1/notifications/preferences', { token: bo.token })).watches, [watch]);
    await assertAccessible(b.page, 'notification settings with a watch');
    await b.page.getByRole('button', { name: 'Remove “Ann arrives — School”' }).click();
    await b.page.getByText('You hear every arrival and departure.').waitFor();
    assert.deepEqual((await apiCall(app, 'GET', '/v1/notifications/preferences', { token: bo.token })).watches, []);
    assertNoProblems(b);
    await b.context.close();

    const a = await person(browser, app, PHONE);
    await openSettings(a, ann, groupId);
    await a.page.getByLabel(/battery is at or below/).fill('20');
    await a.page.getByLabel(/has not reported for/).fill('');
    await a.page.getByRole('button', { name: 'Save group alerts' }).click();
    await a.page.getByText('Low battery: at 20 %. Stopped reporting: off.').waitFor();
    assert.deepEqual(await apiCall(app, 'GET', `/v1/groups/${groupId}/alert-settings`, { token: bo.token }), { groupId, lowBatteryPercent: 20, silenceMinutes: null });
    await assertAccessible(a.page, 'group alerts (owner)');
    assertNoProblems(a);
    await a.context.close();
  });
});
