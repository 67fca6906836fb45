/**
 * `npm run screenshots`: starts a Hearth with a sample family (through the API, as their
 * phones and the web app would), opens each view in Debian's Chromium at a phone's size
 * (412×860) and a laptop's (1280×800), and writes `docs/screenshots/<view>-phone.png` and
 * `<view>-laptop.png`. Map tiles come from the tests' local tile server (flat tiles: this
 * machine reaches no tile server), so the map shows its markers on a plain ground.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { account, apiCall, fixAt, LAPTOP, launchBrowser, person, PHONE, signInPage, startAppliance, type Account } from '../tests/web/support.ts';

const out = join(import.meta.dirname, '..', 'docs', 'screenshots');
mkdirSync(out, { recursive: true });

const app = await startAppliance();
const browser = await launchBrowser();
try {
  // The family: Ann runs Hearth; Bo, Cy and Dee joined by invite; each phone reported a position.
  const ann = await account(app, 'Ann Lee');
  const family = await apiCall(app, 'POST', '/v1/groups', { token: ann.token, body: { name: 'The Lees' } });
  const invited = async (name: string): Promise<Account> => {
    const invite = await apiCall(app, 'POST', `/v1/groups/${family.id}/invites`, { token: ann.token, body: {} });
    return account(app, name, invite.code);
  };
  const [bo, cy, dee] = [await invited('Bo Lee'), await invited('Cy Lee'), await invited('Dee Martin')];
  const at = (who: Account, lat: number, lon: number, o: { secondsAgo?: number; battery?: number } = {}) =>
    apiCall(app, 'POST', '/v1/locations', { token: who.token, body: fixAt(lat, lon, o) });
  await apiCall(app, 'POST', `/v1/groups/${family.id}/places`, { token: ann.token, body: { name: 'Home', lat: 45.7597, lon: 4.8422, radius: 120 } });
  await apiCall(app, 'POST', `/v1/groups/${family.id}/places`, { token: ann.token, body: { name: 'School', lat: 45.7676, lon: 4.8344, radius: 150 } });
  for (let i = 12; i >= 0; i--) await at(bo, 45.7597 + (12 - i) * 0.0006, 4.8422 - (12 - i) * 0.0006, { secondsAgo: i * 60, battery: 64 });
  await at(ann, 45.7601, 4.8426, { battery: 91 });
  await at(cy, 45.7676, 4.8344, { battery: 38 });
  await at(dee, 45.7502, 4.8501, { secondsAgo: 1800, battery: 12 });
  const soon = new Date(Date.now() + 25 * 60_000).toISOString();
  await apiCall(app, 'POST', `/v1/groups/${family.id}/journey`, { token: dee.token, body: { mode: 'cycling', destination: { name: 'Home', lat: 45.7597, lon: 4.8422 }, expectedArrival: soon }, expect: 201 });
  const say = (who: Account, text: string) => apiCall(app, 'POST', `/v1/groups/${family.id}/messages`, { token: who.token, body: { text, txnId: crypto.randomUUID() }, expect: 201 });
  await say(bo, 'Leaving school now 🚲');
  await say(ann, 'Great! Dinner at 7. @Bo Lee can you pick up bread on the way?');
  await say(bo, 'Sure, the bakery on rue Mercière?');
  await say(cy, 'Still at practice, back by 6:30');
  await say(dee, 'On my way home too — see https://example.com/route for the detour');
  await say(ann, 'Thanks everyone ❤');

  // One backup, checked, for the Instance page.
  await apiCall(app, 'POST', '/v1/admin/backups', { token: ann.token, expect: 202 });
  for (let i = 0; i < 120; i++) {
    const list = await apiCall(app, 'GET', '/v1/admin/backups', { token: ann.token });
    if (!list.running && list.backups.some((b: { status: string }) => b.status === 'verified')) break;
    await new Promise((r) => setTimeout(r, 500));
  }

  const shoot = async (page: Page, name: string, size: 'phone' | 'laptop') => {
    await page.waitForTimeout(600); // tiles and fonts settle
    await page.screenshot({ path: join(out, `${name}-${size}.png`) });
    console.log(`screenshots: ${name}-${size}.png`);
  };
  const nav = (page: Page, view: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: view }).click();

  for (const [size, viewport] of [['phone', PHONE], ['laptop', LAPTOP]] as const) {
    const guest = await person(browser, app, viewport);
    await guest.page.goto('/');
    await guest.page.getByRole('button', { name: 'Sign in' }).waitFor();
    await shoot(guest.page, 'sign-in', size);
    const invite = await apiCall(app, 'POST', `/v1/groups/${family.id}/invites`, { token: ann.token, body: {} });
    await guest.page.goto(new URL(invite.url).pathname);
    await guest.page.getByRole('heading', { name: 'Join The Lees' }).waitFor();
    await shoot(guest.page, 'join', size);
    await guest.context.close();

    const p = await person(browser, app, viewport);
    await signInPage(p, ann);
    const map = p.page.getByRole('region', { name: 'Map', exact: true });
    await map.getByRole('list', { name: 'People' }).getByRole('button', { name: /^Dee Martin\b/ }).waitFor();
    await shoot(p.page, 'map', size);
    await map.getByRole('list', { name: 'People' }).getByRole('button', { name: /^Bo Lee\b/ }).click();
    await shoot(p.page, 'map-member', size);
    await nav(p.page, 'Chat');
    await p.page.getByRole('log', { name: 'Messages' }).getByText('Thanks everyone').waitFor();
    await shoot(p.page, 'chat', size);
    await nav(p.page, 'Group');
    await p.page.getByRole('list', { name: 'Members' }).waitFor();
    await shoot(p.page, 'group', size);
    await nav(p.page, 'Account');
    await p.page.getByRole('heading', { level: 1 }).first().waitFor();
    await shoot(p.page, 'account', size);
    await p.page.getByRole('button', { name: 'Set up a phone' }).click();
    const qr = p.page.getByRole('img', { name: 'Code to scan with your phone to set up OwnTracks' });
    await qr.waitFor();
    await qr.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shoot(p.page, 'phone-setup', size);
    await p.page.getByRole('button', { name: 'Done' }).click();
    await p.page.goto('/admin');
    await p.page.getByText('Every service is working.').waitFor();
    const backups = p.page.getByRole('region', { name: 'Backups' });
    await backups.getByRole('listitem').filter({ hasText: 'Checked' }).first().waitFor();
    await shoot(p.page, 'instance', size);
    await backups.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shoot(p.page, 'backups', size);

    // Cy needs help: the SOS reaches Ann's screen whatever she looks at.
    await nav(p.page, 'Alerts');
    await apiCall(app, 'POST', `/v1/groups/${family.id}/sos`, { token: cy.token, body: {}, expect: 201 });
    await p.page.getByRole('alert').filter({ hasText: 'SOS from Cy Lee' }).waitFor();
    await p.page.getByRole('list', { name: 'Inbox' }).getByText(/SOS/).first().waitFor();
    await shoot(p.page, 'alerts', size);
    await apiCall(app, 'DELETE', `/v1/groups/${family.id}/sos`, { token: cy.token });
    await p.page.getByRole('alert').filter({ hasText: 'SOS from Cy Lee' }).waitFor({ state: 'detached' });
    // The alerts a family chooses: arrivals and departures, and the group's own alerts.
    await p.page.getByRole('navigation', { name: 'Alerts sections' }).getByRole('link', { name: 'Notification settings' }).click();
    const arrivals = p.page.getByRole('heading', { name: 'Arrivals and departures' });
    await arrivals.evaluate((el) => (el.scrollIntoView({ block: 'start' }), window.scrollBy(0, -70))); // clear of the top bar
    await shoot(p.page, 'alert-settings', size);
    await p.context.close();
  }
} finally {
  await browser.close();
  await app.stop();
}
