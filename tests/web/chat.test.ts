/**
 * Chat in a real browser against the real appliance: Ann and Bo each in their own browser,
 * each scenario in a group of its own (made through the API), everything done through the
 * UI as a person would and checked in the UI and through the API — messages both ways and
 * live, hostile text shown as text, sends queued offline arriving once, the unread badge
 * and the read marker, edit and delete seen live, typing, history by pages, search.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { apiCall, assertAccessible, assertNoProblems, browserSkip, family, LAPTOP, launchBrowser, person, PHONE, signInPage, startAppliance, WEB_TIMEOUT, type Account, type Appliance, type Person } from './support.ts';
import { waitFor } from '../support/poll.ts';

/** How the page is polled: a loaded 2-core machine is slow, never wrong. */
const UI = { timeoutMs: 20_000, everyMs: 100 };

const log = (page: Page): Locator => page.getByRole('log', { name: 'Messages' });
/** The entry of the log holding `text`. */
const entry = (page: Page, text: string): Locator => log(page).getByRole('listitem').filter({ hasText: text });
/** Waits until a service worker controls the page (so a reload offline still opens the app). */
async function controlled(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready);
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) {
    await page.evaluate(() => new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true })));
  }
}

/** In the page: whether a group's conversation is in the offline cache (IndexedDB `hearth`/`cache`). */
function cached(groupId: string): Promise<boolean> {
  return new Promise((resolve) => {
    const open = indexedDB.open('hearth');
    open.onerror = () => resolve(false);
    open.onsuccess = () => {
      const keys = open.result.transaction('cache').objectStore('cache').getAllKeys();
      keys.onsuccess = () => resolve(keys.result.some((k) => String(k).endsWith(`:chat:${groupId}`)));
      keys.onerror = () => resolve(false);
    };
  });
}

const chatTab = (page: Page): Locator => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Chat\b/ });

describe('chat', { skip: browserSkip, timeout: WEB_TIMEOUT }, () => {
  let app: Appliance;
  let browser: Browser;
  let ann: Account;
  let bo: Account;
  /** Ann's and Bo's browsers (phones), signed in through the UI once for the whole file. */
  let a: Person;
  let b: Person;
  before(async () => {
    // A loaded machine may take longer than the default 30 s to start every service; until
    // they all are, the banner cannot name the gateway's ephemeral port (support.ts waits 60 s).
    [app, browser] = await Promise.all([startAppliance(), launchBrowser()]);
    [ann, bo] = (await family(app, ['Ann', 'Bo'])).people as [Account, Account];
    [a, b] = await Promise.all([person(browser, app), person(browser, app)]);
    // One after the other, and with time to spare: a sign-in on a busy 2-core machine can
    // take longer than Playwright's 30 s.
    for (const [p, who] of [[a, ann], [b, bo]] as const) {
      p.context.setDefaultTimeout(45_000);
      await signInPage(p, who);
    }
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  /** A group of Ann (owner) and Bo, made through the API. */
  async function group(name: string): Promise<string> {
    const g = await apiCall(app, 'POST', '/v1/groups', { token: ann.token, body: { name } });
    const invite = await apiCall(app, 'POST', `/v1/groups/${g.id}/invites`, { token: ann.token, body: {} });
    await apiCall(app, 'POST', `/v1/invites/${invite.code}/accept`, { token: bo.token });
    return g.id;
  }

  /** A message sent through the API. */
  const say = (who: Account, groupId: string, text: string) => apiCall(app, 'POST', `/v1/groups/${groupId}/messages`, { token: who.token, body: { text, txnId: randomUUID() }, expect: 201 });

  /** Every message of a group, through the API. */
  async function history(groupId: string): Promise<Array<{ id: string; text: string | null; editedAt: string | null; deletedAt: string | null }>> {
    return (await apiCall(app, 'GET', `/v1/groups/${groupId}/messages?limit=100`, { token: ann.token })).messages;
  }

  /** Picks the group in the top bar (it arrives live when just made) and opens Chat. */
  async function openChat(p: Person, groupName: string): Promise<void> {
    await pickGroup(p.page, groupName);
    await chatTab(p.page).click();
    await p.page.getByRole('heading', { name: 'Chat', level: 1 }).waitFor();
    await log(p.page).waitFor();
  }

  async function pickGroup(page: Page, groupName: string): Promise<void> {
    const picker = page.getByRole('combobox', { name: 'Group' });
    await picker.locator('option', { hasText: groupName }).waitFor({ state: 'attached' });
    await picker.selectOption({ label: groupName });
  }

  async function write(page: Page, text: string, how: 'enter' | 'button' = 'enter'): Promise<void> {
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill(text);
    if (how === 'enter') await box.press('Enter');
    else await page.getByRole('button', { name: 'Send', exact: true }).click();
  }

  it('carries messages both ways, live, each once', async () => {
    const groupId = await group('Both ways');
    await openChat(a, 'Both ways');
    await openChat(b, 'Both ways');
    await write(a.page, 'Hello Bo, dinner at 7?');
    await entry(b.page, 'Hello Bo, dinner at 7?').waitFor();
    await entry(b.page, 'Hello Bo, dinner at 7?').getByText('Ann', { exact: true }).waitFor();
    await write(b.page, 'Yes!\nSee you there', 'button');
    await entry(a.page, 'See you there').waitFor();
    // Shift+Enter is a new line, kept as one.
    const box = a.page.getByRole('textbox', { name: 'Message' });
    await box.fill('line one');
    await box.press('Shift+Enter');
    await box.pressSequentially('line two');
    assert.equal(await box.inputValue(), 'line one\nline two');
    await box.press('Enter');
    await entry(b.page, 'line two').waitFor();
    assert.equal(await entry(b.page, 'line two').locator('.msg-text').innerText(), 'line one\nline two');
    await waitFor('no message of Ann is still pending', async () => (await log(a.page).getByText('Sending…').count()) === 0, UI);
    assert.equal(await a.page.getByRole('textbox', { name: 'Message' }).inputValue(), '');

    const texts = (await history(groupId)).map((m) => m.text);
    for (const t of ['Hello Bo, dinner at 7?', 'Yes!\nSee you there', 'line one\nline two']) assert.equal(texts.filter((x) => x === t).length, 1, t);
    // The system line tells who joined, in words.
    await log(a.page).getByText('Bo joined the group').waitFor();

    await assertAccessible(a.page, 'chat at 412 px');
    await b.page.setViewportSize(LAPTOP.viewport);
    await assertAccessible(b.page, 'chat at 1280 px');
    await b.page.setViewportSize(PHONE.viewport);
    assertNoProblems(a, b);
  });

  it('shows a hostile text as text and makes only http(s) links', async () => {
    await group('Hostile');
    await openChat(a, 'Hostile');
    await openChat(b, 'Hostile');
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> see https://example.com/x or javascript:alert(1)';
    await write(a.page, hostile);
    for (const p of [a, b]) {
      const e = entry(p.page, 'onerror=');
      await e.waitFor();
      assert.equal(await e.locator('.msg-text').innerText(), hostile);
      assert.equal(await log(p.page).locator('img, script').count(), 0);
      assert.equal(await p.page.evaluate(() => (window as any).__pwned), undefined);
      const link = e.getByRole('link', { name: 'https://example.com/x' });
      assert.equal(await link.getAttribute('href'), 'https://example.com/x');
      assert.equal(await link.getAttribute('target'), '_blank');
      assert.match((await link.getAttribute('rel')) ?? '', /noopener/);
      assert.equal(await e.getByRole('link').count(), 1, 'javascript:alert(1) is no link');
    }
    assertNoProblems(a, b);
  });

  it('queues messages sent offline, keeps them over a reload, and delivers each once when back', async () => {
    const groupId = await group('Offline');
    await openChat(a, 'Offline');
    await openChat(b, 'Offline');
    await log(a.page).getByText('Bo joined the group').waitFor();
    await controlled(a.page);
    await waitFor('the chat is kept for an offline start', () => a.page.evaluate(cached, groupId), UI);
    // What the browser itself logs about requests that cannot leave while offline.
    a.allowConsole.push(/ERR_INTERNET_DISCONNECTED|Failed to fetch|WebSocket connection to/);
    await a.context.setOffline(true);
    await write(a.page, 'Sent from the tunnel 1');
    await write(a.page, 'Sent from the tunnel 2');
    await entry(a.page, 'Sent from the tunnel 1').getByText('Sending…').waitFor();
    await entry(a.page, 'Sent from the tunnel 2').getByText('Sending…').waitFor();
    assert.equal((await history(groupId)).filter((m) => m.text?.startsWith('Sent from the tunnel')).length, 0);

    // Closing the app offline loses nothing: it opens from the worker and the cache, with
    // the conversation as it was and both messages still waiting.
    await a.page.reload();
    await a.page.getByRole('status').filter({ hasText: 'Offline' }).first().waitFor();
    await log(a.page).getByText('Bo joined the group').waitFor();
    await entry(a.page, 'Sent from the tunnel 1').getByText('Sending…').waitFor();
    await entry(a.page, 'Sent from the tunnel 2').getByText('Sending…').waitFor();

    await a.context.setOffline(false);
    for (const p of [a, b]) for (const n of [1, 2]) await entry(p.page, `Sent from the tunnel ${n}`).filter({ hasNotText: 'Sending…' }).waitFor();
    await waitFor('nothing is pending', async () => (await log(a.page).getByText('Sending…').count()) === 0, UI);
    const texts = (await history(groupId)).map((m) => m.text);
    assert.equal(texts.filter((t) => t === 'Sent from the tunnel 1').length, 1);
    assert.equal(texts.filter((t) => t === 'Sent from the tunnel 2').length, 1);
    assert.ok(texts.indexOf('Sent from the tunnel 1') < texts.indexOf('Sent from the tunnel 2'), 'in the order written');
    assert.equal(await entry(b.page, 'Sent from the tunnel').count(), 2);
    assert.equal(await entry(a.page, 'Sent from the tunnel').count(), 2);
    assertNoProblems(a, b);
    a.allowConsole.pop();
  });

  it('counts unread messages on the Chat tab and clears them once the chat is seen', async () => {
    const groupId = await group('Unread');
    await pickGroup(b.page, 'Unread'); // here already, so the badge below waits for nothing
    await b.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Map' }).click();
    const total = async () => (await apiCall(app, 'GET', '/v1/me/unread', { token: bo.token })).groups.reduce((n: number, g: { unread: number }) => n + g.unread, 0);
    const badge = async () => Number(/\d+/.exec(await chatTab(b.page).innerText())?.[0] ?? 0);
    const state = async () => ({ badge: await badge(), api: (await apiCall(app, 'GET', '/v1/me/unread', { token: bo.token })).groups });
    await waitFor('the badge shows what the API counts', async () => (await badge()) === (await total()), { ...UI, state });
    const start = await badge();

    for (const n of [1, 2, 3]) await say(ann, groupId, `Unread news ${n}`);
    // Bo stays on the map: the badge counts up live.
    await waitFor('the badge counts the 3 new messages', async () => (await badge()) === start + 3, { ...UI, state });
    assert.equal(new URL(b.page.url()).pathname, '/map');

    await chatTab(b.page).click();
    await entry(b.page, 'Unread news 3').waitFor();
    const unreadHere = async () => (await apiCall(app, 'GET', '/v1/me/unread', { token: bo.token })).groups.find((g: { groupId: string }) => g.groupId === groupId).unread;
    await waitFor('the read marker moved (API: nothing unread in the group)', async () => (await unreadHere()) === 0, UI);
    await waitFor('the badge follows', async () => (await badge()) === (await total()), { ...UI, state });
    assert.ok((await badge()) <= start, 'the group’s unread messages left the badge');
    assertNoProblems(a, b);
  });

  it('edits and deletes my own message, seen live by the others', async () => {
    const groupId = await group('Edits');
    await openChat(a, 'Edits');
    await openChat(b, 'Edits');
    await write(a.page, 'Meet at the park');
    await entry(b.page, 'Meet at the park').waitFor();
    // Bo is a member: Ann's message offers him nothing to change.
    assert.equal(await entry(b.page, 'Meet at the park').getByRole('button', { name: 'Message options' }).count(), 0);

    const mine = entry(a.page, 'Meet at the park');
    await mine.getByRole('button', { name: 'Message options' }).click();
    await mine.getByRole('button', { name: 'Edit' }).click();
    const edit = a.page.getByRole('textbox', { name: 'Edit message' });
    await edit.fill('Meet at the station');
    await assertAccessible(a.page, 'editing a message');
    await edit.press('Enter');
    const edited = entry(b.page, 'Meet at the station');
    await edited.getByText('edited').waitFor();
    assert.equal((await history(groupId)).find((m) => m.text === 'Meet at the station')?.editedAt !== null, true);

    const again = entry(a.page, 'Meet at the station');
    await again.getByRole('button', { name: 'Message options' }).click();
    await again.getByRole('button', { name: 'Delete' }).click();
    const dialog = a.page.getByRole('dialog', { name: 'Delete this message?' });
    await dialog.waitFor();
    await assertAccessible(a.page, 'delete confirmation');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await dialog.waitFor({ state: 'detached' });
    await log(b.page).getByText('Message deleted').waitFor();
    await log(a.page).getByText('Message deleted').waitFor();
    assert.equal(await log(b.page).getByText('Meet at the station').count(), 0);
    const tomb = (await history(groupId)).find((m) => m.deletedAt);
    assert.equal(tomb?.text, null);
    assertNoProblems(a, b);
  });

  it('shows who is typing', async () => {
    await group('Typing');
    await openChat(a, 'Typing');
    await openChat(b, 'Typing');
    const box = a.page.getByRole('textbox', { name: 'Message' });
    const shown = b.page.getByText('Ann is typing…');
    // Ann keeps typing (as a person does) until Bo's stream has carried an indicator.
    await waitFor('Bo sees Ann typing', async () => {
      await box.pressSequentially('a', { delay: 50 });
      return shown.isVisible();
    }, UI);
    assert.equal(await shown.evaluate((el) => el.closest('[aria-live]')?.getAttribute('aria-live')), 'polite');
    // It goes a few seconds after Ann stops.
    await shown.waitFor({ state: 'detached', timeout: 15_000 });
    assertNoProblems(a, b);
  });

  it('loads older messages as Bo scrolls up, keeping his place, back to the first', async () => {
    const groupId = await group('History');
    // Message 1 alone, then batches of ten sent at once: a batch may land in any order, but
    // batches never mix and their edges fall on the pages' (71–120, 21–70, 1–20).
    await say(ann, groupId, 'History message 1');
    for (const [from, to] of [[2, 10], ...Array.from({ length: 11 }, (_, i) => [11 + i * 10, 20 + i * 10])] as Array<[number, number]>) {
      await Promise.all(Array.from({ length: to - from + 1 }, (_, i) => say(ann, groupId, `History message ${from + i}`)));
    }
    await openChat(b, 'History');
    const msg = (n: number) => log(b.page).getByText(`History message ${n}`, { exact: true });
    const texts = log(b.page).locator('.msg-text');
    await waitFor('the newest page is on screen', async () => (await texts.count()) === 50, UI);
    assert.equal(await msg(70).count(), 0, 'only the newest page at first');
    const inView = (l: Locator) =>
      l.evaluate((el) => {
        const box = el.closest('[role="log"]')!.getBoundingClientRect();
        const r = el.getBoundingClientRect();
        return r.bottom > box.top && r.top < box.bottom;
      });

    // The button (for the keyboard) loads the page before. Clicked where it is — scrolling
    // to it would load that page on its own, which the next step tests.
    const newest = log(b.page).getByText(await texts.last().innerText(), { exact: true });
    assert.equal(await inView(newest), true, 'the chat opens at the newest message');
    await log(b.page).getByRole('button', { name: 'Load older messages' }).dispatchEvent('click');
    await msg(21).waitFor({ state: 'attached' });
    assert.equal(await inView(newest), true, 'the reader stays at the newest message');

    // Scrolling up to the top: the next page comes in above, and the reader stays where they were.
    const top = log(b.page).getByText(await texts.first().innerText(), { exact: true });
    await log(b.page).evaluate((el) => (el.scrollTop = 0));
    await msg(1).waitFor({ state: 'attached' });
    assert.equal(await inView(top), true, 'the message that was at the top is still in view');
    await waitFor('the start of the conversation is reached', async () => {
      await log(b.page).evaluate((el) => (el.scrollTop = 0));
      return (await inView(msg(1))) && (await inView(b.page.getByText('This is the start of the conversation.')));
    }, UI);
    assert.equal(await texts.count(), 120);
    assertNoProblems(a, b);
  });

  it('finds a message and shows it in its conversation', async () => {
    const groupId = await group('Search');
    await say(ann, groupId, 'Tickets for the concert are booked');
    // A page (50) of newer messages, so the one found is not on screen at first.
    await Promise.all(Array.from({ length: 50 }, (_, i) => say(ann, groupId, `Filler ${i + 1}`)));
    await openChat(b, 'Search');
    await waitFor('the newest page is on screen', async () => (await log(b.page).getByText(/^Filler \d+$/).count()) === 50, UI);
    assert.equal(await log(b.page).getByText('Tickets for the concert are booked').count(), 0);
    await b.page.getByRole('button', { name: 'Search' }).click();
    await b.page.getByRole('searchbox', { name: 'Search messages' }).fill('concer');
    await b.page.getByRole('button', { name: 'Find' }).click();
    await b.page.getByRole('status').filter({ hasText: '1 message found.' }).waitFor();
    const results = b.page.getByRole('list', { name: 'Search results' });
    assert.equal(await results.locator('mark').first().innerText(), 'concert');
    await assertAccessible(b.page, 'chat search');
    await results.getByRole('button').first().click();
    const found = log(b.page).getByText('Tickets for the concert are booked');
    await found.waitFor();
    assert.equal(await found.isVisible(), true);
    await b.page.getByRole('button', { name: 'Show the newest messages' }).click();
    await waitFor('the newest page is on screen', async () => (await log(b.page).getByText(/^Filler \d+$/).count()) === 50, UI);
    assert.equal(await log(b.page).getByText('Tickets for the concert are booked').count(), 0);
    assertNoProblems(a, b);
  });
});
