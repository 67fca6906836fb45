/**
 * Setting up a phone from the Account page in a real browser against the real appliance:
 * the button makes a set-up, its QR code is an image with a name (the server's SVG of the
 * very link shown), the link to tap decodes to an OwnTracks configuration whose password
 * signs a real `POST /v1/owntracks`, the settings file is that configuration, the manual
 * settings are there folded away, and Done forgets the password. The encryption secret:
 * a locked location waiting for it is announced, typing the phone's secret reads it, and it
 * can be turned off again.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import nacl from 'tweetnacl';
import { qrSvg } from '../../src/gateway/owntracks/index.ts';
import { account, apiCall, assertAccessible, assertNoProblems, browserSkip, launchBrowser, person, signInPage, startAppliance, WEB_TIMEOUT, type Account, type Appliance } from './support.ts';

describe('setting up a phone', { skip: browserSkip, timeout: WEB_TIMEOUT }, () => {
  let app: Appliance;
  let browser: Browser;
  let ann: Account;

  before(async () => {
    [app, browser] = await Promise.all([startAppliance(), launchBrowser()]);
    ann = await account(app, 'Ann');
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('shows a QR code, a link and a file that set OwnTracks up with a working password', async () => {
    const a = await person(browser, app);
    await signInPage(a, ann);
    await a.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
    await a.page.getByRole('heading', { level: 2, name: 'Share your location from your phone' }).waitFor();
    await a.page.getByRole('button', { name: 'Set up a phone' }).click();

    const qr = a.page.getByRole('img', { name: 'Code to scan with your phone to set up OwnTracks' });
    await qr.waitFor();
    const link = (await a.page.getByRole('link', { name: 'Open in OwnTracks (on this phone)' }).getAttribute('href')) ?? '';
    assert.ok(link?.startsWith('owntracks:///config?inline='), String(link));
    const src = (await qr.getAttribute('src'))!;
    const svg = decodeURIComponent(src.slice(src.indexOf(',') + 1));
    assert.equal(svg, await qrSvg(link), 'the QR code is the link shown');

    const c = JSON.parse(Buffer.from(new URL(link).searchParams.get('inline')!, 'base64').toString('utf8'));
    assert.equal(c._type, 'configuration');
    assert.equal(c.mode, 3);
    // Without public_url: the address this browser reached Hearth at, which phones can reach too.
    assert.equal(c.url, `${app.url}/v1/owntracks`);
    assert.equal(c.username, ann.email);
    assert.equal(c.auth, true);
    const fix = { _type: 'location', lat: 51.5, lon: -0.12, acc: 10, tst: Math.floor(Date.now() / 1000), tid: c.tid };
    const posted = await fetch(c.url, {
      method: 'POST',
      body: JSON.stringify(fix),
      headers: { authorization: `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`, 'content-type': 'application/json', 'x-limit-d': c.deviceId },
    });
    assert.equal(posted.status, 200, await posted.text());

    const [download] = await Promise.all([a.page.waitForEvent('download'), a.page.getByRole('link', { name: 'Download the settings file' }).click()]);
    assert.equal(download.suggestedFilename(), 'hearth.otrc');
    assert.deepEqual(JSON.parse(await readFile((await download.path())!, 'utf8')), c);

    // The fallback: the same settings to type in, each with Copy.
    await a.page.getByText('No camera? Type the settings in by hand').click();
    await a.page.getByText(c.url, { exact: true }).waitFor();
    await a.page.getByText(c.password, { exact: true }).waitFor();
    await a.page.getByRole('button', { name: 'Copy Password' }).waitFor();
    await assertAccessible(a.page, 'phone set-up');

    const { items } = await apiCall(app, 'GET', '/v1/me/app-passwords', { token: ann.token });
    assert.deepEqual(items.map((i: { label: string }) => i.label), [`OwnTracks: ${c.deviceId}`]);
    await a.page.getByRole('list', { name: 'App passwords' }).getByText(`OwnTracks: ${c.deviceId}`).waitFor();

    await a.page.getByRole('button', { name: 'Done' }).click();
    await qr.waitFor({ state: 'detached' });
    assert.equal(await a.page.getByText(c.password).count(), 0, 'the password is not shown again');
    assertNoProblems(a);
    await a.context.close();
  });

  it('takes the phone’s encryption secret, and reads the locked locations that waited for it', async () => {
    const secret = 'correct horse battery';
    const created = await apiCall(app, 'POST', '/v1/me/app-passwords', { token: ann.token, body: { label: 'Locked phone' }, expect: 201 });
    const k = new Uint8Array(32);
    k.set(new TextEncoder().encode(secret)); // as the apps: UTF-8 bytes, zero-padded to 32
    const nonce = nacl.randomBytes(24);
    const fix = { _type: 'location', lat: 48.85, lon: 2.35, acc: 12, tst: Math.floor(Date.now() / 1000), tid: 'an' };
    const box = nacl.secretbox(new TextEncoder().encode(JSON.stringify(fix)), nonce, k);
    const posted = await fetch(`${app.url}/v1/owntracks`, {
      method: 'POST',
      body: JSON.stringify({ _type: 'encrypted', data: Buffer.concat([nonce, box]).toString('base64') }),
      headers: { authorization: `Basic ${Buffer.from(`${ann.email}:${created.password}`).toString('base64')}`, 'content-type': 'application/json', 'x-limit-d': 'locked' },
    });
    assert.equal(posted.status, 200, await posted.text());

    const a = await person(browser, app);
    await signInPage(a, ann);
    await a.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
    await a.page.getByRole('heading', { level: 3, name: 'Encryption (optional)' }).waitFor();
    await a.page.getByRole('alert').filter({ hasText: 'Your phone sent 1 locked location that Hearth cannot read yet' }).waitFor();
    await a.page.getByLabel('Encryption secret (the same as in OwnTracks)').fill(secret);
    await a.page.getByRole('button', { name: 'Save secret' }).click();
    await a.page.getByRole('status').filter({ hasText: 'Secret saved. 1 waiting location was read.' }).waitFor();
    await a.page.getByText('Encryption is on: Hearth has your phone’s secret.').waitFor();
    assert.deepEqual(await apiCall(app, 'GET', '/v1/me/owntracks', { token: ann.token }), { encryptionKeySet: true, heldMessages: 0 });
    assert.equal(await a.page.getByLabel('Encryption secret (the same as in OwnTracks)').inputValue(), '', 'the secret is not left in the field');
    await assertAccessible(a.page, 'phone encryption');

    await a.page.getByRole('button', { name: 'Turn encryption off' }).click();
    await a.page.getByRole('status').filter({ hasText: 'Encryption turned off.' }).waitFor();
    assert.deepEqual(await apiCall(app, 'GET', '/v1/me/owntracks', { token: ann.token }), { encryptionKeySet: false, heldMessages: 0 });
    assertNoProblems(a);
    await a.context.close();
  });
});
