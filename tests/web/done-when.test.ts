/**
 * Issue #12's "done when", on `hearth serve` from source and on the compiled binary: a
 * family member opens the invite link in a phone-sized browser, joins, sees the family on
 * the map, chats, and sees another member's SOS at once — all in the browser.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { binarySkip, buildBinary } from '../support/binary.ts';
import type { HearthRuntime } from '../support/hearth-process.ts';
import { account, apiCall, assertNoProblems, browserSkip, fixAt, LAPTOP, launchBrowser, person, PHONE, signInPage, startAppliance, WEB_TIMEOUT, type Appliance } from './support.ts';

const runtimes: Array<[string, () => HearthRuntime, string | undefined]> = [
  ['hearth serve', () => 'node', browserSkip],
  ['the compiled binary', () => ({ binary: buildBinary() }), browserSkip ?? binarySkip],
];

for (const [name, runtime, skip] of runtimes) {
  describe(`a family member's first day, on ${name}`, { skip, timeout: WEB_TIMEOUT }, () => {
    let app: Appliance;
    let browser: Browser;
    before(async () => {
      [app, browser] = await Promise.all([startAppliance('', runtime()), launchBrowser()]);
    });
    after(async () => {
      await browser?.close();
      await app?.stop();
    });

    it('joins from the invite link, sees the family on the map, chats, and sees an SOS at once', async () => {
      // Ann set Hearth up; her phone reports where she is.
      const ann = await account(app, 'Ann');
      const group = await apiCall(app, 'POST', '/v1/groups', { token: ann.token, body: { name: 'Family' } });
      const invite = await apiCall(app, 'POST', `/v1/groups/${group.id}/invites`, { token: ann.token, body: {} });
      await apiCall(app, 'POST', '/v1/locations', { token: ann.token, body: fixAt(45.764, 4.8357) });

      // Bo opens the link on a phone and joins.
      const bo = await person(browser, app, PHONE);
      await bo.page.goto(new URL(invite.url).pathname);
      await bo.page.getByRole('heading', { name: 'Join Family' }).waitFor();
      await bo.page.getByLabel('Your name').fill('Bo');
      await bo.page.getByLabel('Email').fill('bo@example.com');
      await bo.page.getByLabel('Password').fill('another long password');
      await bo.page.getByRole('button', { name: 'Create account and join' }).click();

      // The family on the map.
      const map = bo.page.getByRole('region', { name: 'Map', exact: true });
      await map.getByRole('list', { name: 'People' }).getByRole('button', { name: /^Ann\b/ }).waitFor();

      // Chat, both ways (Ann on her laptop).
      const annPage = await person(browser, app, LAPTOP);
      await signInPage(annPage, ann);
      await bo.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
      await bo.page.getByRole('textbox', { name: 'Message' }).fill('Hello everyone!');
      await bo.page.getByRole('button', { name: 'Send' }).click();
      await annPage.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
      await annPage.page.getByRole('log', { name: 'Messages' }).getByText('Hello everyone!').waitFor();
      await annPage.page.getByRole('textbox', { name: 'Message' }).fill('Welcome, Bo');
      await annPage.page.getByRole('button', { name: 'Send' }).click();
      await bo.page.getByRole('log', { name: 'Messages' }).getByText('Welcome, Bo').waitFor();

      // Ann raises an SOS from the map; Bo, still in the chat, sees it at once.
      await annPage.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Map' }).click();
      await annPage.page.getByRole('button', { name: 'SOS', exact: true }).click();
      const confirm = annPage.page.getByRole('dialog', { name: 'Send SOS to everyone in Family?' });
      await confirm.getByRole('button', { name: 'Send SOS' }).click();
      const sent = Date.now();
      await bo.page.getByRole('alert').filter({ hasText: 'SOS from Ann' }).waitFor({ timeout: 2_000 });
      assert.ok(Date.now() - sent <= 2_000);

      assertNoProblems(bo, annPage);
      await bo.context.close();
      await annPage.context.close();
    });
  });
}
