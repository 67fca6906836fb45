/**
 * Alerts in a real browser against the real appliance: an SOS from another member is on
 * screen within 2 s whatever view is open (and in the inbox, and on the badge), "Show on
 * map" and a cleared SOS; my own SOS and "I'm safe"; the inbox live and marked read;
 * preferences that survive a reload; forwarding to an ntfy topic (a local recorder) with a
 * test and its delivery log, and a webhook whose secret is shown once.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { apiCall, assertAccessible, assertNoProblems, browserSkip, family, fixAt, LAPTOP, launchBrowser, person, PHONE, signInPage, startAppliance, WEB_TIMEOUT, type Account, type Appliance, type Person } from './support.ts';
import { waitFor } from '../support/poll.ts';

/** How the API is polled (the API catches up asynchronously). */
const API = { timeoutMs: 15_000, everyMs: 100 };

/** How soon an SOS must be on another member's screen. */
const SOS_MS = 2000;

/** Ann's inbox through the API. */
const inboxOf = (app: Appliance, who: Account) => apiCall(app, 'GET', '/v1/notifications', { token: who.token }) as Promise<{ items: Array<{ id: string; title: string; type: string }>; unread: number }>;

/** The main navigation's Alerts link; its name carries the badge ("Alerts 3 unread"), if any. */
const alertsTab = (page: Page, badge?: number) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: badge === undefined ? /^Alerts/ : badge === 0 ? /^Alerts$/ : new RegExp(`^Alerts ${badge} unread$`) });

/** Signs in, resolving once the group's live view is loaded and the stream is live. */
async function signInLive(p: Person, who: Account, groupId: string): Promise<void> {
  const loaded = p.page.waitForResponse((r) => r.url().endsWith(`/v1/groups/${groupId}/live`) && r.ok());
  await signInPage(p, who);
  await loaded;
  await p.page.locator('.conn-live').waitFor();
}

/** Raises an SOS as `who` and waits until it is on `page`; returns how long that took after the API answered. */
async function sosSeen(app: Appliance, who: Account, groupId: string, page: Page): Promise<number> {
  await apiCall(app, 'POST', `/v1/groups/${groupId}/sos`, { token: who.token, body: {}, expect: 201 });
  const t0 = Date.now();
  await page.getByRole('alert').filter({ hasText: 'SOS' }).filter({ hasText: who.name }).waitFor({ timeout: 10_000 });
  return Date.now() - t0;
}

/** A local HTTP server that answers 200 and records what it receives (an ntfy server or a webhook's receiver). */
interface Recorder {
  url: string;
  bodies: Array<{ path: string; body: any }>;
  close(): Promise<void>;
}

async function recorder(): Promise<Recorder> {
  const r: Recorder = { url: '', bodies: [], close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      r.bodies.push({ path: req.url ?? '', body: text ? JSON.parse(text) : null });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  r.close = () => {
    server.closeAllConnections();
    return new Promise((ok) => server.close(() => ok()));
  };
  return r;
}

// Six scenarios, each with its own family and browser: more than one file's usual budget.
describe('alerts', { skip: browserSkip, timeout: 2 * WEB_TIMEOUT }, () => {
  let app: Appliance;
  let browser: Browser;
  before(async () => {
    // Open registration: each scenario makes its own family (family() registers its first
    // person without an invite), so no scenario's notifications count in another's inbox.
    [app, browser] = await Promise.all([startAppliance('users { registration: "open" }'), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('shows another member’s SOS within 2 s on any view, in the inbox and on the badge; "Show on map"; clearing removes it', async (t) => {
    const { people, groupId } = await family(app, ['Ann', 'Bo', 'Cy']);
    const [ann, bo] = people as [Account, Account];
    await apiCall(app, 'POST', '/v1/locations', { token: bo.token, body: fixAt(51.5007, -0.1246) });
    await apiCall(app, 'POST', '/v1/locations', { token: ann.token, body: fixAt(51.5033, -0.1196) });
    const p = await person(browser, app, PHONE);
    await signInLive(p, ann, groupId);

    // On the Chat view.
    await p.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
    await p.page.waitForURL('**/chat');
    const first = await sosSeen(app, bo, groupId, p.page);
    assert.ok(first <= SOS_MS, `the SOS took ${first} ms to show on the Chat view`);
    t.diagnostic(`SOS on screen ${first} ms after the API answered (Chat view)`);
    const alert = p.page.getByRole('alert').filter({ hasText: 'SOS from Bo' });
    await alert.getByText('in Family').waitFor();
    await alert.getByText(/from you$/).waitFor(); // Ann's own fix is known: the distance
    await assertAccessible(p.page, 'SOS banner on the chat view (412 px)');
    await p.page.setViewportSize(LAPTOP.viewport);
    await assertAccessible(p.page, 'SOS banner on the chat view (1280 px)');
    await p.page.setViewportSize(PHONE.viewport);

    // It is in Ann's inbox (the service's title), and the badge counts what the API says is unread.
    await waitFor('the SOS in the inbox', async () => (await inboxOf(app, ann)).items.some((n) => n.title === 'SOS from Bo'), API);
    await waitFor('the badge to show the API’s unread count', async () => {
      const shown = Number(/\d+/.exec(await alertsTab(p.page).innerText())?.[0] ?? 0);
      return shown > 0 && shown === (await inboxOf(app, ann)).unread;
    }, API);

    // Cleared through the API: the banner goes, live.
    await apiCall(app, 'DELETE', `/v1/groups/${groupId}/sos`, { token: bo.token });
    await alert.waitFor({ state: 'detached' });

    // A second SOS, on the Group view.
    await p.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Group' }).click();
    await p.page.waitForURL('**/group');
    const second = await sosSeen(app, bo, groupId, p.page);
    assert.ok(second <= SOS_MS, `the SOS took ${second} ms to show on the Group view`);
    t.diagnostic(`SOS on screen ${second} ms after the API answered (Group view)`);

    // "Show on map": the map, with Bo picked.
    await alert.getByRole('button', { name: 'Show on map' }).click();
    await p.page.waitForURL((u) => u.pathname === '/map' && u.searchParams.get('focus') === bo.userId);

    // The inbox lists it.
    await alertsTab(p.page).click();
    await p.page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    await p.page.getByRole('listitem').filter({ has: p.page.getByRole('heading', { name: 'SOS from Bo' }) }).first().waitFor();
    await p.page.getByRole('heading', { name: 'Bo is safe' }).first().waitFor();

    await apiCall(app, 'DELETE', `/v1/groups/${groupId}/sos`, { token: bo.token });
    await alert.waitFor({ state: 'detached' });
    assertNoProblems(p);
    await p.context.close();
  });

  it('shows my own SOS with "I’m safe", which clears it', async () => {
    const { people, groupId } = await family(app, ['Ann', 'Bo']);
    const [ann] = people as [Account];
    await apiCall(app, 'POST', '/v1/locations', { token: ann.token, body: fixAt(48.8584, 2.2945) });
    const p = await person(browser, app, PHONE);
    await signInLive(p, ann, groupId);
    await apiCall(app, 'POST', `/v1/groups/${groupId}/sos`, { token: ann.token, body: {}, expect: 201 });
    const mine = p.page.getByRole('alert').filter({ hasText: 'Your SOS is on — everyone in Family has been alerted' });
    await mine.waitFor({ timeout: 10_000 });
    await mine.getByRole('button', { name: 'I’m safe' }).click();
    await mine.waitFor({ state: 'detached' });
    const live = await apiCall(app, 'GET', `/v1/groups/${groupId}/live`, { token: ann.token });
    assert.equal(live.members.find((m: { userId: string }) => m.userId === ann.userId).sos, null);
    assertNoProblems(p);
    await p.context.close();
  });

  it('keeps the inbox live and marks one, then all, as read', async () => {
    const { people, groupId } = await family(app, ['Ann', 'Bo', 'Cy']);
    const [ann, bo] = people as [Account, Account];
    // Bo and Cy accepted Ann's invites: two notifications are waiting.
    await waitFor('the invite notifications', async () => (await inboxOf(app, ann)).unread >= 2, API);
    const p = await person(browser, app, PHONE);
    await signInLive(p, ann, groupId);
    await alertsTab(p.page).click();
    await p.page.getByRole('heading', { name: 'Bo accepted your invite' }).waitFor();
    await p.page.getByRole('status').filter({ hasText: '2 unread' }).waitFor();
    await assertAccessible(p.page, 'inbox (412 px)');

    // New while open: prepended, counted.
    await apiCall(app, 'POST', '/v1/locations', { token: bo.token, body: fixAt(51.5, -0.12) });
    await apiCall(app, 'POST', `/v1/groups/${groupId}/sos`, { token: bo.token, body: {}, expect: 201 });
    const sosItem = p.page.getByRole('listitem').filter({ has: p.page.getByRole('heading', { name: 'SOS from Bo' }) });
    await sosItem.waitFor();
    await sosItem.getByText('Urgent').waitFor();
    assert.match((await p.page.getByRole('listitem').first().textContent()) ?? '', /SOS from Bo/);
    await p.page.getByRole('status').filter({ hasText: '3 unread' }).waitFor();
    await alertsTab(p.page, 3).waitFor();

    // One marked read here …
    await sosItem.getByRole('button', { name: 'Mark as read' }).click();
    await p.page.getByRole('status').filter({ hasText: '2 unread' }).waitFor();
    await waitFor('one read in the API', async () => (await inboxOf(app, ann)).unread === 2, API);

    // … one on another device (the stream's notification.read) …
    const cyItem = (await inboxOf(app, ann)).items.find((n) => n.title === 'Cy accepted your invite')!;
    await apiCall(app, 'POST', '/v1/notifications/read', { token: ann.token, body: { ids: [cyItem.id] } });
    await p.page.getByRole('status').filter({ hasText: '1 unread' }).waitFor();

    // … and the rest with "Mark all as read".
    await p.page.getByRole('button', { name: 'Mark all as read' }).click();
    await p.page.getByRole('status').filter({ hasText: 'All read' }).waitFor();
    await alertsTab(p.page, 0).waitFor();
    assert.equal((await inboxOf(app, ann)).unread, 0);
    await p.page.setViewportSize(LAPTOP.viewport);
    await assertAccessible(p.page, 'inbox (1280 px)');

    await apiCall(app, 'DELETE', `/v1/groups/${groupId}/sos`, { token: bo.token });
    assertNoProblems(p);
    await p.context.close();
  });

  it('loads older notifications with "Load older"', async () => {
    const { people, groupId } = await family(app, ['Ann', 'Bo']);
    const [ann, bo] = people as [Account, Account];
    await apiCall(app, 'POST', '/v1/locations', { token: bo.token, body: fixAt(51.5, -0.12) });
    // 26 SOS raised and cleared: 52 notifications, and Bo's accepted invite: more than a page (50).
    for (let i = 0; i < 26; i++) {
      await apiCall(app, 'POST', `/v1/groups/${groupId}/sos`, { token: bo.token, body: {}, expect: 201 });
      await apiCall(app, 'DELETE', `/v1/groups/${groupId}/sos`, { token: bo.token });
    }
    await waitFor('53 notifications', async () => (await inboxOf(app, ann)).unread === 53, { timeoutMs: 60_000, everyMs: 100 });
    const p = await person(browser, app, PHONE);
    await signInLive(p, ann, groupId);
    await alertsTab(p.page, 53).click();
    const items = p.page.getByRole('list', { name: 'Inbox' }).getByRole('listitem');
    await p.page.getByRole('button', { name: 'Load older' }).waitFor();
    assert.equal(await items.count(), 50);
    await p.page.getByRole('button', { name: 'Load older' }).click();
    await p.page.getByRole('heading', { name: 'Bo accepted your invite' }).waitFor();
    assert.equal(await items.count(), 53);
    assert.equal(await p.page.getByRole('button', { name: 'Load older' }).count(), 0);
    assertNoProblems(p);
    await p.context.close();
  });

  it('saves preferences — a muted group, a type off, quiet hours — and shows them after a reload', async () => {
    const { people, groupId } = await family(app, ['Ann', 'Bo']);
    const [ann] = people as [Account];
    const p = await person(browser, app, PHONE);
    await signInLive(p, ann, groupId);
    await alertsTab(p.page).click();
    await p.page.getByRole('navigation', { name: 'Alerts sections' }).getByRole('link', { name: 'Notification settings' }).click();
    await p.page.getByRole('heading', { name: 'Muted groups' }).waitFor();

    await p.page.getByLabel('Group to mute').selectOption({ label: 'Family' });
    await p.page.getByLabel('For how long').selectOption({ label: '1 hour' });
    await p.page.getByRole('button', { name: 'Mute', exact: true }).click();
    await p.page.getByRole('button', { name: 'Unmute Family' }).waitFor();

    const sos = p.page.getByRole('checkbox', { name: 'someone raises an SOS' });
    assert.ok(await sos.isChecked());
    assert.ok(await sos.isDisabled());
    await p.page.getByRole('checkbox', { name: 'someone leaves a place' }).uncheck();
    await waitFor('the type off in the API', async () => (await apiCall(app, 'GET', '/v1/notifications/preferences', { token: ann.token })).types.place_left === false, API);

    await p.page.getByRole('checkbox', { name: 'Use quiet hours' }).check();
    await p.page.getByLabel('From', { exact: true }).fill('22:00');
    await p.page.getByLabel('Until', { exact: true }).fill('07:00');
    const zone = await p.page.getByLabel('Time zone').inputValue();
    assert.ok(zone.length > 0, 'the time zone defaults to the browser’s');
    await p.page.getByRole('button', { name: 'Save quiet hours' }).click();
    await p.page.getByText(`Quiet from 22:00 to 07:00 (${zone}).`).waitFor();
    await assertAccessible(p.page, 'notification settings (412 px)');

    await p.page.reload();
    await p.page.getByRole('button', { name: 'Unmute Family' }).waitFor();
    assert.equal(await p.page.getByRole('checkbox', { name: 'someone leaves a place' }).isChecked(), false);
    assert.equal(await p.page.getByRole('checkbox', { name: 'someone arrives at a place' }).isChecked(), true);
    await p.page.getByText(`Quiet from 22:00 to 07:00 (${zone}).`).waitFor();
    await p.page.setViewportSize(LAPTOP.viewport);
    await assertAccessible(p.page, 'notification settings (1280 px)');

    const prefs = await apiCall(app, 'GET', '/v1/notifications/preferences', { token: ann.token });
    assert.equal(prefs.mutes.length, 1);
    assert.equal(prefs.mutes[0].groupId, groupId);
    const left = Date.parse(prefs.mutes[0].until) - Date.now();
    assert.ok(left > 50 * 60_000 && left <= 60 * 60_000, `the mute ends in about an hour (${left} ms)`);
    assert.equal(prefs.types.place_left, false);
    assert.deepEqual(prefs.quietHours, { start: '22:00', end: '07:00', timeZone: zone });
    assertNoProblems(p);
    await p.context.close();
  });

  it('forwards to an ntfy topic with a test and its delivery log, and shows a webhook’s secret once', async () => {
    const rec = await recorder();
    try {
      const { people, groupId } = await family(app, ['Ann', 'Bo']);
      const [ann] = people as [Account];
      const p = await person(browser, app, PHONE);
      await signInLive(p, ann, groupId);
      await p.page.goto('/alerts?show=settings');
      const ntfyForm = p.page.getByRole('form', { name: 'Add an ntfy topic' });
      await ntfyForm.getByLabel('Topic address').fill(`${rec.url}/hearth-test-topic`);
      await ntfyForm.getByLabel('Name (optional)').fill('Ann’s phone');
      await ntfyForm.getByRole('button', { name: 'Add ntfy topic' }).click();
      const phone = p.page.getByRole('listitem').filter({ has: p.page.getByRole('heading', { name: 'Ann’s phone' }) });
      await phone.getByText('State: Working').waitFor();

      await phone.getByRole('button', { name: 'Send test' }).click();
      await waitFor('the test message at the recorder', async () => rec.bodies.find((b) => b.body?.topic === 'hearth-test-topic'), API);
      const test = rec.bodies.find((b) => b.body?.topic === 'hearth-test-topic')!;
      assert.equal(test.body.title, 'Hearth test notification');
      const row = phone.getByRole('table', { name: 'Deliveries to Ann’s phone, newest first' }).getByRole('row').filter({ hasText: 'Delivered' });
      await row.filter({ hasText: '200' }).filter({ hasText: 'Hearth test notification' }).waitFor();
      await assertAccessible(p.page, 'targets with a delivery log (412 px)');

      const hookForm = p.page.getByRole('form', { name: 'Add a webhook' });
      await hookForm.getByLabel('Webhook address').fill(`${rec.url}/hook`);
      await hookForm.getByLabel('Name (optional)').fill('Home server');
      await hookForm.getByRole('button', { name: 'Add webhook' }).click();
      const dialog = p.page.getByRole('dialog', { name: 'Your webhook’s secret' });
      await dialog.getByText('it will not be shown again').waitFor();
      const secret = await dialog.getByLabel('Secret').inputValue();
      assert.ok(secret.length >= 16, 'a generated secret');
      await assertAccessible(p.page, 'the secret dialog');
      await dialog.getByRole('button', { name: 'Copy' }).click();
      await dialog.getByRole('status').filter({ hasText: /Copied|copy it yourself/ }).waitFor();
      await dialog.getByRole('button', { name: 'Done' }).click();
      await dialog.waitFor({ state: 'detached' });
      const hook = p.page.getByRole('listitem').filter({ has: p.page.getByRole('heading', { name: 'Home server' }) });
      await hook.getByText('Webhook').waitFor();
      assert.ok(!(await p.page.content()).includes(secret), 'the secret is not shown again');
      await p.page.reload();
      await hook.waitFor();
      assert.ok(!(await p.page.content()).includes(secret), 'nor after a reload');

      // Deleting asks first.
      await phone.getByRole('button', { name: 'Delete Ann’s phone' }).click();
      await p.page.getByRole('dialog', { name: 'Delete this target?' }).getByRole('button', { name: 'Delete', exact: true }).click();
      await phone.waitFor({ state: 'detached' });
      const { targets } = await apiCall(app, 'GET', '/v1/notifications/targets', { token: ann.token });
      assert.deepEqual(targets.map((x: { kind: string; hasSecret: boolean }) => [x.kind, x.hasSecret]), [['webhook', true]]);
      assertNoProblems(p);
      await p.context.close();
    } finally {
      await rec.close();
    }
  });
});
