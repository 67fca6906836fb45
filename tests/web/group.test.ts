/**
 * The group view in a real browser against the real appliance: invites (made in the UI,
 * with their link, QR code, copy and revoke; the link joins a new person), roles (made an
 * admin, live on that member's page), handing the group over, a member removed while their
 * page is open, leaving, creating, renaming and deleting a group.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { account, apiCall, assertAccessible, assertNoProblems, browserSkip, family, LAPTOP, launchBrowser, person, PHONE, signInPage, startAppliance, WEB_TIMEOUT, type Account, type Appliance } from './support.ts';
import { waitFor } from '../support/poll.ts';

/** How the API is polled (the API catches up with what the page did). */
const API = { timeoutMs: 10_000, everyMs: 100 };


/** The rows of the Group view's member list. */
const members = (page: Page) => page.getByRole('list', { name: 'Members' }).getByRole('listitem');

/** Opens the Group view from the main navigation. */
async function openGroup(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Group' }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

/** The roles of a group's members by display name, from the API. */
async function roles(app: Appliance, who: Account, groupId: string): Promise<Record<string, string>> {
  const { members } = await apiCall(app, 'GET', `/v1/groups/${groupId}/members`, { token: who.token });
  return Object.fromEntries(members.map((m: { displayName: string; role: string }) => [m.displayName, m.role]));
}

/** A group `owner` makes through the API, with `others` in it (by invite); returns its id. */
async function groupOf(app: Appliance, owner: Account, name: string, others: Account[] = []): Promise<string> {
  const g = await apiCall(app, 'POST', '/v1/groups', { token: owner.token, body: { name } });
  for (const who of others) {
    const invite = await apiCall(app, 'POST', `/v1/groups/${g.id}/invites`, { token: owner.token, body: {} });
    await apiCall(app, 'POST', `/v1/invites/${invite.code}/accept`, { token: who.token });
  }
  return g.id;
}

/** A new account that joins `groupId` with an invite from `owner`. */
async function newcomer(app: Appliance, owner: Account, groupId: string, name: string): Promise<Account> {
  const invite = await apiCall(app, 'POST', `/v1/groups/${groupId}/invites`, { token: owner.token, body: {} });
  return account(app, name, invite.code);
}

// Several scenarios of two or three browsers each, on a machine that may be busy: twice the usual file budget.
describe('the group view', { skip: browserSkip, timeout: 2 * WEB_TIMEOUT }, () => {
  let app: Appliance;
  let browser: Browser;
  let ann: Account;
  let bo: Account;
  let family_: { people: Account[]; groupId: string };

  before(async () => {
    [app, browser] = await Promise.all([startAppliance(), launchBrowser()]);
    family_ = await family(app, ['Ann', 'Bo', 'Cy']);
    [ann, bo] = family_.people as [Account, Account];
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('creates an invite link with a QR code, copies it, joins a new person with it, and revokes one', async () => {
    const f = family_;
    const a = await person(browser, app, { ...PHONE, permissions: ['clipboard-read', 'clipboard-write'] });
    await signInPage(a, ann);
    await openGroup(a.page, 'Family');
    await members(a.page).filter({ hasText: 'Cy' }).getByText('Member', { exact: true }).waitFor();

    await a.page.getByLabel('The link works for').selectOption({ label: '30 days' });
    await a.page.getByLabel('How many people can join with it').fill('2');
    await a.page.getByRole('button', { name: 'Create invite link' }).click();
    await a.page.getByRole('img', { name: 'QR code for the invite link' }).waitFor();
    const link = await a.page.getByLabel('Invite link').first().inputValue();
    // Without public_url the link names the address this browser reached Hearth at (not 127.0.0.1:0).
    assert.match(link, new RegExp(`^${app.url}/join/[A-Za-z0-9_-]{8,64}$`));
    await a.page.getByText('Used 0 of 2 times').waitFor();
    const code = link.slice(link.lastIndexOf('/') + 1);
    const listed = (await apiCall(app, 'GET', `/v1/groups/${f.groupId}/invites`, { token: ann.token })).invites;
    const made = listed.find((i: { code: string }) => i.code === code);
    assert.equal(made.maxUses, 2);
    assert.ok(Date.parse(made.expiresAt) - Date.now() > 29 * 86_400_000, 'it works for 30 days');

    await a.page.getByRole('button', { name: 'Copy link' }).first().click();
    await a.page.getByText('Copied', { exact: true }).waitFor();
    assert.equal(await a.page.evaluate(() => navigator.clipboard.readText()), link);
    await assertAccessible(a.page, 'group view with an invite (412 px)');

    // Dee opens the link in her own browser and joins; Ann sees her arrive.
    const dee = await person(browser, app);
    await dee.page.goto(link);
    await dee.page.getByRole('heading', { name: 'Join Family' }).waitFor();
    await dee.page.getByLabel('Your name').fill('Dee');
    await dee.page.getByLabel('Email').fill('dee@example.com');
    await dee.page.getByLabel('Password').fill('dee has a long password');
    await dee.page.getByRole('button', { name: 'Create account and join' }).click();
    await dee.page.getByRole('navigation', { name: 'Main' }).waitFor();
    assert.equal((await roles(app, ann, f.groupId)).Dee, 'member');
    await members(a.page).filter({ hasText: 'Dee' }).waitFor();

    // The family's own invites (made through the API) are listed too: revoke the one made here.
    const shown = () => a.page.getByLabel('Invite link').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    const mine = (await shown()).indexOf(link);
    await a.page.getByRole('button', { name: /^Revoke the invite link/ }).nth(mine).click();
    await a.page.getByText('Invite link revoked').waitFor();
    await waitFor('the revoked link leaves the page', async () => !(await shown()).includes(link), API);
    const after = (await apiCall(app, 'GET', `/v1/groups/${f.groupId}/invites`, { token: ann.token })).invites;
    assert.ok(!after.some((i: { code: string }) => i.code === code), 'the revoked invite is not listed');
    assertNoProblems(a, dee);
    await a.context.close();
    await dee.context.close();
  });

  it('makes a member an admin (live on their page) and hands the group over to them', async () => {
    const f = { groupId: await groupOf(app, ann, 'Lees', [bo]) };
    const a = await person(browser, app);
    const b = await person(browser, app);
    await signInPage(a, ann);
    await signInPage(b, bo);
    await a.page.getByRole('combobox', { name: 'Group' }).selectOption({ label: 'Lees' });
    await b.page.getByRole('combobox', { name: 'Group' }).selectOption({ label: 'Lees' });
    await Promise.all([openGroup(a.page, 'Lees'), openGroup(b.page, 'Lees')]);

    // A member sees the members and Leave only.
    await b.page.getByText('you are a member').waitFor();
    await b.page.getByRole('button', { name: 'Leave group' }).waitFor();
    assert.equal(await b.page.getByRole('heading', { name: 'Invites' }).count(), 0);
    assert.equal(await b.page.getByRole('button', { name: /^Manage / }).count(), 0);
    assert.equal(await b.page.getByRole('button', { name: 'Rename' }).count(), 0);
    await assertAccessible(b.page, 'group view of a member');

    await a.page.getByRole('button', { name: 'Manage Bo' }).click();
    await assertAccessible(a.page, 'member dialog');
    await a.page.getByRole('button', { name: 'Make Bo an admin' }).click();
    await a.page.getByText('Bo is now an admin.').waitFor();
    await waitFor('Bo is an admin', async () => (await roles(app, ann, f.groupId)).Bo === 'admin', API);
    // Bo's page follows at once: his role, and the invites he may now make.
    await b.page.getByText('you are an admin').waitFor();
    await b.page.getByRole('heading', { name: 'Invites' }).waitFor();

    await a.page.getByRole('button', { name: 'Make Bo the owner' }).click();
    const confirm = a.page.getByRole('dialog', { name: 'Hand over the group' });
    await confirm.getByText('You become an admin').waitFor();
    await confirm.getByRole('button', { name: 'Hand over to Bo' }).click();
    await a.page.getByText('Bo is now the owner.').waitFor();
    await waitFor('Bo owns the group, Ann is an admin', async () => {
      const r = await roles(app, ann, f.groupId);
      return r.Bo === 'owner' && r.Ann === 'admin';
    }, API);
    await a.page.getByText('you are an admin').waitFor();
    await b.page.getByText('you are the owner').waitFor();
    assert.equal(await a.page.getByRole('button', { name: 'Delete group' }).count(), 0);
    await b.page.getByRole('button', { name: 'Delete group' }).waitFor();
    assertNoProblems(a, b);
    await a.context.close();
    await b.context.close();
  });

  it('takes a removed member’s group from their open page at once, and lets them leave another', async () => {
    // Cy is in Family and in Hills.
    const cy = family_.people[2]!;
    await groupOf(app, ann, 'Hills', [cy]);
    const a = await person(browser, app);
    const c = await person(browser, app);
    await signInPage(a, ann);
    await signInPage(c, cy);
    await c.page.getByRole('combobox', { name: 'Group' }).selectOption({ label: 'Hills' });
    await openGroup(c.page, 'Hills');
    await a.page.getByRole('combobox', { name: 'Group' }).selectOption({ label: 'Hills' });
    await openGroup(a.page, 'Hills');
    await c.page.evaluate(() => ((window as any).notReloaded = true));

    await a.page.getByRole('button', { name: 'Manage Cy' }).click();
    await a.page.getByRole('button', { name: 'Remove Cy from the group' }).click();
    await a.page.getByRole('dialog', { name: 'Remove from the group' }).getByRole('button', { name: 'Remove Cy' }).click();
    await a.page.getByText('Cy was removed from the group.').waitFor();
    await members(a.page).filter({ hasText: 'Cy' }).waitFor({ state: 'detached' });

    // Cy's page: the group is gone without a reload, and it says so.
    await c.page.getByText('You were removed from Hills.').waitFor();
    await c.page.getByRole('heading', { level: 1, name: 'Family' }).waitFor();
    assert.equal(await c.page.evaluate(() => (window as any).notReloaded), true);
    assert.deepEqual((await apiCall(app, 'GET', '/v1/groups', { token: cy.token })).groups.map((g: { name: string }) => g.name), ['Family']);

    await c.page.getByRole('button', { name: 'Leave group' }).click();
    await c.page.getByText('You will no longer see Family').waitFor();
    await c.page.getByRole('button', { name: 'Leave Family' }).click();
    await c.page.getByText('You left Family.').waitFor();
    await c.page.getByRole('heading', { name: 'Name your group' }).waitFor();
    assert.deepEqual((await apiCall(app, 'GET', '/v1/groups', { token: cy.token })).groups, []);
    await a.page.getByRole('combobox', { name: 'Group' }).selectOption({ label: 'Family' });
    await members(a.page).filter({ hasText: 'Bo' }).waitFor();
    assert.equal(await members(a.page).filter({ hasText: 'Cy' }).count(), 0);
    assertNoProblems(a, c);
    await a.context.close();
    await c.context.close();
  });

  it('creates, renames and deletes a group (typing its name), and tells the owner why they cannot just leave (1280 px)', async () => {
    // Fay is a member of Home, and makes a group of her own.
    const fay = await newcomer(app, ann, await groupOf(app, ann, 'Home'), 'Fay');
    const a = await person(browser, app, LAPTOP);
    await signInPage(a, fay);
    await openGroup(a.page, 'Home');

    await a.page.getByRole('button', { name: 'New group' }).click();
    await a.page.getByRole('dialog', { name: 'Create another group' }).getByLabel('Group name').fill('Camp');
    await a.page.getByRole('button', { name: 'Create group' }).click();
    await a.page.getByRole('heading', { level: 1, name: 'Camp' }).waitFor();
    await a.page.getByText('you are the owner').waitFor();

    await a.page.getByRole('button', { name: 'Rename' }).click();
    await a.page.getByRole('dialog', { name: 'Rename the group' }).getByLabel('Group name').fill('Summer camp');
    await a.page.getByRole('button', { name: 'Save' }).click();
    await a.page.getByRole('heading', { level: 1, name: 'Summer camp' }).waitFor();
    const names = async () => (await apiCall(app, 'GET', '/v1/groups', { token: fay.token })).groups.map((g: { name: string }) => g.name).sort();
    assert.deepEqual(await names(), ['Home', 'Summer camp']);
    await a.page.getByRole('link', { name: 'Open the map' }).waitFor();
    await assertAccessible(a.page, 'group view (1280 px)');

    await a.page.getByRole('button', { name: 'Leave group' }).click();
    await a.page.getByRole('dialog', { name: 'Leave Summer camp?' }).getByText('You own Summer camp, so you cannot just leave it').waitFor();
    await a.page.getByRole('dialog').getByRole('button', { name: 'Close' }).first().click();

    await a.page.getByRole('button', { name: 'Delete group' }).click();
    const dialog = a.page.getByRole('dialog', { name: 'Delete Summer camp?' });
    const confirm = dialog.getByRole('button', { name: 'Delete the group forever' });
    assert.equal(await confirm.isDisabled(), true);
    await dialog.getByLabel('Type “Summer camp” to confirm').fill('Summer');
    assert.equal(await confirm.isDisabled(), true);
    await dialog.getByLabel('Type “Summer camp” to confirm').fill('Summer camp');
    // The deletion is a saga (202): the page follows it until it has completed, then the group goes.
    const followed = a.page.waitForResponse((r) => r.url().endsWith('/deletion') && r.status() === 200);
    await confirm.click();
    assert.equal((await (await followed).json()).groupId !== undefined, true);
    await a.page.getByText('Summer camp was deleted.').waitFor();
    await a.page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    assert.deepEqual(await names(), ['Home']);
    assertNoProblems(a);
    await a.context.close();
  });
});
