/**
 * Tokens in a real browser, with access tokens that live 60 s (the shortest Hearth allows):
 * expiry passes unnoticed (on a page signed in before the other tests, checked last, so the
 * wait overlaps them) (the refresh token is rotated before, the open WebSocket is
 * re-authenticated, requests keep working); a sign-out elsewhere and a reused refresh token
 * bring the person back to sign-in with words saying why; sign-out forgets the session.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { apiCall, assertNoProblems, browserSkip, expectSessionEnd, family, launchBrowser, person, signInPage, startAppliance, WEB_TIMEOUT, type Account, type Appliance, type Person } from './support.ts';

/** Access tokens live this long (users.access_token_ttl_s), and the gateway tolerates 30 s of clock skew on top. */
const TTL_S = 60;

describe('sessions in the browser', { skip: browserSkip, timeout: WEB_TIMEOUT }, () => {
  let app: Appliance;
  let browser: Browser;
  let ann: Account;
  let bo: Account;
  let groupId: string;
  /** Cy's page, signed in first and left open while the other tests run: its token expires meanwhile (the last test). */
  let cy: Person;
  let cySignedInAt: number;
  let cyFirstRefresh: string;

  before(async () => {
    [app, browser] = await Promise.all([startAppliance(`users { access_token_ttl_s: ${TTL_S} }`), launchBrowser()]);
    const f = await family(app, ['Ann', 'Bo', 'Cy']);
    [ann, bo] = f.people as [Account, Account];
    groupId = f.groupId;
    cy = await person(browser, app);
    await signInPage(cy, f.people[2]!);
    cySignedInAt = Date.now();
    cyFirstRefresh = await cy.page.evaluate(() => JSON.parse(localStorage.getItem('hearth.session')!).refreshToken);
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('brings the person back to sign-in with words when they are signed out elsewhere', async () => {
    const p = await person(browser, app);
    await signInPage(p, bo);
    const other = await apiCall(app, 'POST', '/v1/auth/login', { body: { email: bo.email, password: bo.password } });
    // Sign-out of every session elsewhere ends this page's session too: its stream is closed and its refresh refused.
    expectSessionEnd(p);
    await apiCall(app, 'POST', '/v1/auth/logout', { token: other.accessToken, body: { everywhere: true } });
    await p.page.getByRole('heading', { name: 'Sign in to Hearth' }).waitFor({ timeout: 15_000 });
    await p.page.getByText('You were signed out (from another device, or your password changed)').waitFor();
    assert.equal(await p.page.evaluate(() => localStorage.getItem('hearth.session')), null);
    assertNoProblems(p);
    await p.context.close();
  });

  it('ends the session and says why when its refresh token was used elsewhere (stolen)', async () => {
    const p = await person(browser, app);
    await signInPage(p, bo);
    const { refreshToken } = await p.page.evaluate(() => JSON.parse(localStorage.getItem('hearth.session')!));
    // Someone else spends the token first …
    await apiCall(app, 'POST', '/v1/auth/refresh', { body: { refreshToken } });
    // … so the page's own renewal (due now: this token has less than a minute left) presents a spent token.
    expectSessionEnd(p);
    await p.page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await p.page.getByText('this sign-in was used from two places at once').waitFor({ timeout: 15_000 });
    await p.page.getByLabel('Email').waitFor();
    assertNoProblems(p);
    await p.context.close();
  });

  it('falls back to Server-Sent Events where a WebSocket never gets going, and stays live', async () => {
    const p = await person(browser, app);
    // A proxy that takes the upgrade and then drops the connection at once.
    await p.page.routeWebSocket(/\/v1\/stream$/, (ws) => ws.close({ code: 1006 }));
    await signInPage(p, bo);
    const fresh = await apiCall(app, 'POST', '/v1/auth/login', { body: { email: ann.email, password: ann.password } });
    // Live only once the page gave up on the WebSocket and read the events over SSE instead.
    await p.page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ state: 'attached', timeout: 30_000 });
    await apiCall(app, 'PATCH', `/v1/groups/${groupId}`, { token: fresh.accessToken, body: { name: 'Lees over SSE' } });
    await p.page.getByText('Lees over SSE').first().waitFor({ timeout: 20_000 });
    assertNoProblems(p);
    await p.context.close();
  });

  it('signs out from the account page and forgets the session and the cached family', async () => {
    const p = await person(browser, app);
    await signInPage(p, ann);
    await p.page.getByRole('link', { name: 'Account' }).click();
    await p.page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await p.page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.equal(await p.page.evaluate(() => localStorage.getItem('hearth.session')), null);
    const cached = await p.page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const open = indexedDB.open('hearth');
          open.onsuccess = () => {
            const db = open.result;
            if (!db.objectStoreNames.contains('cache')) return resolve(0);
            const count = db.transaction('cache').objectStore('cache').count();
            count.onsuccess = () => resolve(count.result);
          };
          open.onerror = () => resolve(-1);
        }),
    );
    assert.equal(cached, 0, 'nothing of the family is left in this browser');
    assertNoProblems(p);
    await p.context.close();
  });

  it('lets an access token expire unnoticed: the stream stays live and requests keep working', async () => {
    const p = cy;
    // Well past expiry plus the gateway's clock tolerance, counted from Cy's sign-in (the other tests ran meanwhile).
    await p.page.waitForTimeout(Math.max(0, cySignedInAt + (TTL_S + 35) * 1000 - Date.now()));
    const laterRefresh = await p.page.evaluate(() => JSON.parse(localStorage.getItem('hearth.session')!).refreshToken);
    assert.notEqual(laterRefresh, cyFirstRefresh, 'the refresh token was rotated');
    await p.page.getByRole('navigation', { name: 'Main' }).waitFor();
    assert.equal(await p.page.getByRole('heading', { name: 'Sign in to Hearth' }).count(), 0);

    // A live event still arrives on the stream opened before the first token expired …
    const fresh = await apiCall(app, 'POST', '/v1/auth/login', { body: { email: ann.email, password: ann.password } });
    await apiCall(app, 'PATCH', `/v1/groups/${groupId}`, { token: fresh.accessToken, body: { name: 'The Lees' } });
    await p.page.getByText('The Lees').first().waitFor({ timeout: 10_000 });
    // … and the page's own requests work with a renewed token (the account page loads the sessions).
    await p.page.getByRole('link', { name: 'Account' }).click();
    await p.page.getByRole('link', { name: 'Map' }).click();
    await p.page.getByRole('region', { name: 'Map' }).waitFor();
    assertNoProblems(p);
    await p.context.close();
  });
});
