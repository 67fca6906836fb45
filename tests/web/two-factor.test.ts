/**
 * Two-factor sign-in in a real browser against the real appliance: turned on from the
 * Account page (the QR code and the secret shown, the first code computed here from the
 * secret as an authenticator app would), the recovery codes shown once and copied, then
 * signed out and back in — the sign-in page asking for the code when the API says so.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import type { Browser } from 'playwright-core';
import { apiCall, assertAccessible, assertNoProblems, browserSkip, family, launchBrowser, person, signInPage, startAppliance, WEB_TIMEOUT, type Account, type Appliance } from './support.ts';

/** The code an authenticator app shows `offsetS` seconds from now. */
const codeOf = (secret: string, offsetS = 0) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: Date.now() + offsetS * 1000 });

describe('two-factor sign-in in the web app', { skip: browserSkip, timeout: WEB_TIMEOUT }, () => {
  let app: Appliance;
  let browser: Browser;
  let ann: Account;

  before(async () => {
    [app, browser] = await Promise.all([startAppliance(), launchBrowser()]);
    [ann] = (await family(app, ['Ann'])).people as [Account];
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('turns it on from the Account page, shows the recovery codes once, and then signs in only with a code', async () => {
    const p = await person(browser, app);
    await p.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
    await signInPage(p, ann);
    const page = p.page;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
    const section = page.getByRole('region', { name: 'Two-factor sign-in' });
    await section.getByText('Two-factor sign-in is off.').waitFor();

    await section.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
    await section.getByRole('img', { name: 'Code to scan with your authenticator app' }).waitFor();
    const secret = await section.getByLabel('Secret key').inputValue();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    await assertAccessible(page, 'two-factor enrolment');

    // A wrong code first: said in words, nothing turned on (the browser logs the refusal itself).
    p.allowConsole.push(/403 \(Forbidden\) @ .*\/v1\/me\/two-factor\/confirm/);
    const good = codeOf(secret);
    await section.getByLabel('Code from the app').fill(good === '000000' ? '111111' : '000000');
    await section.getByRole('button', { name: 'Confirm and turn on' }).click();
    await section.getByText('That code is not right').waitFor();
    await section.getByLabel('Code from the app').fill(good);
    await section.getByRole('button', { name: 'Confirm and turn on' }).click();

    const codes = section.getByRole('list', { name: 'Your recovery codes' }).getByRole('listitem');
    await codes.first().waitFor();
    const shown = await codes.allInnerTexts();
    assert.equal(shown.length, 10);
    await section.getByRole('button', { name: 'Copy recovery codes' }).click();
    assert.deepEqual((await page.evaluate(() => navigator.clipboard.readText())).split('\n'), shown);
    await section.getByRole('button', { name: 'Done' }).click();
    await section.getByText(/Two-factor sign-in is on .*10 recovery codes left/).waitFor();
    assert.equal(await section.getByRole('list', { name: 'Your recovery codes' }).count(), 0, 'shown only once');
    assert.equal((await apiCall(app, 'GET', '/v1/me/two-factor', { token: ann.token })).enabled, true);

    // Signed out, the password alone no longer signs in: the page asks for the code.
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in to Hearth' }).waitFor();
    p.allowConsole.push(/401 \(Unauthorized\) @ .*\/v1\/auth\/login/); // the browser logs the refused sign-ins itself
    await page.getByLabel('Email').fill(ann.email);
    await page.getByLabel('Password', { exact: true }).fill(ann.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Enter the code from your authenticator app to sign in.').waitFor();
    // The code that turned it on was for this 30-second step: used once, it is refused; the next step's is taken.
    await page.getByLabel('Two-factor code').fill(good);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That code is not right, or was already used').waitFor();
    await page.getByLabel('Two-factor code').fill(codeOf(secret, 30));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Map' }).waitFor();
    assertNoProblems(p);
    await p.context.close();
  });
});
