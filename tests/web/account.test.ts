/**
 * The account and instance pages in a real browser against the real appliance: name and
 * picture (cropped and shrunk in the browser to the API's limit), password change and
 * sessions (other devices are sent to sign-in), app passwords (shown once, working with
 * Basic auth) and where phones are set up, downloading my data, deleting an account, and the Instance page for
 * the person who runs this Hearth (backing up and downloading, and its refusal for anyone else).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { verifyBackup } from '../../src/supervisor/backup/index.ts';
import { readArchive } from '../sagas/export-archive.ts';
import { account, apiCall, assertAccessible, assertNoProblems, browserSkip, expectSessionEnd, family, LAPTOP, launchBrowser, person, PHONE, signInPage, startAppliance, WEB_TIMEOUT, type Account, type Appliance, type Person } from './support.ts';

/** What the sign-in page says after a session was ended elsewhere (strings.ts `auth.ended.revoked`). */
const REVOKED = 'You were signed out (from another device, or your password changed)';

/** Opens a view from the main navigation. */
async function open(page: Page, link: 'Account' | 'Group', heading: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

/** A request with an app password (Basic auth), as OwnTracks sends it. */
function basic(app: Appliance, who: Account, password: string, path: string, init: RequestInit = {}): Promise<Response> {
  const auth = Buffer.from(`${who.email}:${password}`).toString('base64');
  return fetch(app.url + path, { ...init, headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json', ...init.headers } });
}

/** The page is on the sign-in form, saying the session was ended elsewhere. */
async function sentToSignIn(p: Person): Promise<void> {
  await p.page.getByRole('heading', { name: 'Sign in to Hearth' }).waitFor({ timeout: 20_000 });
  await p.page.getByText(REVOKED).waitFor();
}

// Several scenarios of two or three browsers each, on a machine that may be busy: twice the usual file budget.
describe('the account and instance pages', { skip: browserSkip, timeout: 2 * WEB_TIMEOUT }, () => {
  let app: Appliance;
  let browser: Browser;
  let ann: Account;
  let bo: Account;
  let groupId: string;

  /** A new account in Ann's group (through the API). */
  async function newcomer(name: string): Promise<Account> {
    const invite = await apiCall(app, 'POST', `/v1/groups/${groupId}/invites`, { token: ann.token, body: {} });
    return account(app, name, invite.code);
  }

  before(async () => {
    // A grace period before an account's erasure: the deletion's progress is on the page that long.
    [app, browser] = await Promise.all([startAppliance('users { deletion_grace_s: 4 }'), launchBrowser()]);
    const f = await family(app, ['Ann', 'Bo']);
    [ann, bo] = f.people as [Account, Account];
    groupId = f.groupId;
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('changes my name and my picture (cropped and shrunk to the API’s limit), and removes the picture', async () => {
    const b = await person(browser, app);
    await signInPage(b, bo);
    await open(b.page, 'Account', 'Account');
    await assertAccessible(b.page, 'account view (412 px)');

    await b.page.getByLabel('Your name').fill('Bobby');
    await b.page.getByRole('button', { name: 'Save name' }).click();
    await b.page.getByText('Name saved').waitFor();
    assert.equal((await apiCall(app, 'GET', '/v1/me', { token: bo.token })).displayName, 'Bobby');
    const { members } = await apiCall(app, 'GET', `/v1/groups/${groupId}/members`, { token: ann.token });
    assert.ok(members.some((m: { displayName: string }) => m.displayName === 'Bobby'));
    await open(b.page, 'Group', 'Family');
    await b.page.getByRole('list', { name: 'Members' }).getByRole('listitem').filter({ hasText: 'Bobby' }).waitFor();

    // A large, noisy photo (the hardest to compress), made with a canvas in the page.
    await open(b.page, 'Account', 'Account');
    const png = await b.page.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 1200;
      c.height = 800;
      const ctx = c.getContext('2d')!;
      const img = ctx.createImageData(c.width, c.height);
      for (let i = 0; i < img.data.length; i++) img.data[i] = i % 4 === 3 ? 255 : Math.floor(Math.random() * 256);
      ctx.putImageData(img, 0, 0);
      return c.toDataURL('image/png').split(',')[1]!;
    });
    await b.page.getByLabel('Choose a picture').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') });
    const crop = b.page.getByRole('dialog', { name: 'Crop your picture' });
    await crop.getByLabel('Zoom').fill('2');
    await crop.getByRole('img', { name: 'Your picture as it will be cropped' }).press('ArrowLeft');
    await assertAccessible(b.page, 'crop dialog');
    await crop.getByRole('button', { name: 'Use this picture' }).click();
    await b.page.getByText('Picture saved').waitFor();
    const avatar: string = (await apiCall(app, 'GET', '/v1/me', { token: bo.token })).avatar;
    assert.match(avatar, /^data:image\/(webp|jpeg);base64,/);
    assert.ok(avatar.length <= 90_000, `the avatar is ${avatar.length} characters`);
    assert.equal(await b.page.getByRole('img', { name: 'Bobby’s picture' }).getAttribute('src'), avatar);

    await b.page.getByRole('button', { name: 'Remove picture' }).click();
    await b.page.getByText('Picture removed').waitFor();
    assert.equal((await apiCall(app, 'GET', '/v1/me', { token: bo.token })).avatar, null);
    assertNoProblems(b);
    await b.context.close();
  });

  it('lists my sessions, signs out the other devices, and a new password sends them to sign-in', async () => {
    const eve = await newcomer('Eve');
    // Only the two browsers below are signed in: the API's own session ends here.
    await apiCall(app, 'POST', '/v1/auth/logout', { token: eve.token, body: {} });
    const e1 = await person(browser, app);
    const e2 = await person(browser, app);
    expectSessionEnd(e2);
    await signInPage(e1, eve);
    await signInPage(e2, eve);
    await open(e1.page, 'Account', 'Account');
    const list = e1.page.getByRole('list', { name: 'Where you are signed in' });
    await list.getByRole('listitem').nth(1).waitFor();
    assert.equal(await list.getByRole('listitem').count(), 2);
    await list.getByRole('listitem').filter({ hasText: 'this device' }).waitFor();

    await e1.page.getByRole('button', { name: 'Sign out all other devices' }).click();
    await e1.page.getByText('1 other device was signed out.').waitFor();
    await sentToSignIn(e2);
    assert.equal(await list.getByRole('listitem').count(), 1);

    // Back on the other device, then a new password here: the other device is signed out again.
    await signInPage(e2, eve);
    const fresh = 'Eve has a brand new password';
    await e1.page.getByLabel('Current password').fill(eve.password);
    await e1.page.getByLabel('New password (at least 10 characters)').fill(fresh);
    await e1.page.getByRole('button', { name: 'Change password' }).click();
    await e1.page.getByRole('status').filter({ hasText: 'Password changed.' }).waitFor();
    await e1.page.getByText(/other devices? (was|were) signed out/).first().waitFor();
    await sentToSignIn(e2);
    await apiCall(app, 'POST', '/v1/auth/login', { body: { email: eve.email, password: eve.password }, expect: 401 });
    await signInPage(e2, { ...eve, password: fresh });
    // This device stayed signed in; "Sign out everywhere" ends both.
    await e1.page.reload();
    await e1.page.getByRole('heading', { level: 1, name: 'Account' }).waitFor();
    // Everywhere includes this device: calls its screen still has in flight are refused too.
    expectSessionEnd(e1);
    await e1.page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await e1.page.getByRole('heading', { name: 'Sign in to Hearth' }).waitFor();
    await sentToSignIn(e2);
    assertNoProblems(e1, e2);
    await e1.context.close();
    await e2.context.close();
  });

  it('creates an app password shown once that works with Basic auth, offers to set up a phone, and revokes it', async () => {
    const a = await person(browser, app, { ...PHONE, permissions: ['clipboard-read', 'clipboard-write'] });
    await signInPage(a, ann);
    await open(a.page, 'Account', 'Account');

    await a.page.getByLabel('Label').fill('Script');
    await a.page.getByRole('button', { name: 'Create app password' }).click();
    const shown = a.page.getByRole('dialog', { name: 'Your new app password' });
    await shown.getByText('it is shown only this once').waitFor();
    const password = await shown.getByLabel('App password').inputValue();
    assert.ok(password.length >= 16, 'a long password');
    await shown.getByRole('button', { name: 'Copy password' }).click();
    await a.page.getByText('Copied', { exact: true }).waitFor();
    assert.equal(await a.page.evaluate(() => navigator.clipboard.readText()), password);
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    assert.equal(await a.page.getByText(password).count(), 0, 'the password is not shown again');
    const me = await basic(app, ann, password, '/v1/me');
    assert.equal(me.status, 200);
    assert.equal((await me.json()).email, ann.email);

    // Setting up a phone (its QR code, link and file): tests/web/phone-setup.test.ts.
    await a.page.getByRole('button', { name: 'Set up a phone' }).waitFor();
    await apiCall(app, 'POST', '/v1/me/app-passwords', { token: ann.token, body: { label: 'OwnTracks' } });
    await assertAccessible(a.page, 'account view with app passwords');

    await a.page.getByRole('button', { name: 'Revoke Script' }).click();
    await a.page.getByText('App password revoked').waitFor();
    assert.equal((await basic(app, ann, password, '/v1/me')).status, 401);
    const { items } = await apiCall(app, 'GET', '/v1/me/app-passwords', { token: ann.token });
    assert.deepEqual(items.map((i: { label: string }) => i.label), ['OwnTracks']);

    // The owner of a group cannot delete the account before handing it over: the page says so.
    a.allowConsole.push(/409 \(Conflict\) @ .*\/v1\/me$/);
    await a.page.getByRole('button', { name: 'Delete my account' }).click();
    const dialog = a.page.getByRole('dialog', { name: 'Delete your account?' });
    await dialog.getByLabel('Your password').fill(ann.password);
    await dialog.getByRole('button', { name: 'Delete my account forever' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'You own Family' }).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await apiCall(app, 'GET', '/v1/me', { token: ann.token })).email, ann.email);
    assertNoProblems(a);
    await a.context.close();
  });

  it('prepares a copy of my data, follows it, and downloads it as a ZIP that parses', async () => {
    const gus = await newcomer('Gus');
    const g = await person(browser, app);
    await signInPage(g, gus);
    await open(g.page, 'Account', 'Account');
    const section = g.page.getByRole('region', { name: 'Download my data' });
    await section.getByRole('button', { name: 'Prepare my data' }).click();
    await section.getByRole('status').filter({ hasText: 'Your data is ready' }).waitFor({ timeout: 20_000 });
    await assertAccessible(g.page, 'account view with an export ready');
    const [download] = await Promise.all([g.page.waitForEvent('download'), section.getByRole('button', { name: 'Download my data' }).click()]);
    assert.match(download.suggestedFilename(), /^hearth-export-\d{4}-\d\d-\d\d\.zip$/);
    const archive = readArchive(new Uint8Array(readFileSync((await download.path())!)));
    assert.deepEqual((archive.json.get('users/profile.json') as { email: string }[]).map((p) => p.email), [gus.email]);
    assert.ok(archive.names.includes('README.txt'));
    await section.getByRole('button', { name: 'Prepare a new copy' }).waitFor();
    assertNoProblems(g);
    await g.context.close();
  });

  it('deletes my account after my password, and the sign-in page says so', async () => {
    const fay = await newcomer('Fay');
    const f = await person(browser, app);
    await signInPage(f, fay);
    await open(f.page, 'Account', 'Account');
    f.allowConsole.push(/403 \(Forbidden\) @ .*\/v1\/me$/);
    await f.page.getByRole('button', { name: 'Delete my account' }).click();
    const dialog = f.page.getByRole('dialog', { name: 'Delete your account?' });
    await dialog.getByLabel('Your password').fill('not my password at all');
    await dialog.getByRole('button', { name: 'Delete my account forever' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'That password is not right.' }).waitFor();
    await dialog.getByLabel('Your password').fill(fay.password);
    // Asked after the account is gone, its session is refused: that is how the page learns it.
    f.allowConsole.push(/401 \(Unauthorized\) @ .*\/v1\/(me\/deletion|auth\/refresh)$/);
    await dialog.getByRole('button', { name: 'Delete my account forever' }).click();
    // What the list says depends on how far erasing got (a loaded machine may pass the grace period first).
    const progress = f.page.getByRole('status').filter({ hasText: 'Your account is being deleted' });
    await progress.getByText(/Erasing begins at .* Signing in again before then cancels the deletion\./).waitFor();
    await progress.getByRole('list', { name: 'What is being erased' }).getByText(/^Your messages \(kept for the group as “Deleted account”\): (waiting|in progress|done)$/).waitFor();
    await f.page.getByRole('heading', { name: 'Sign in to Hearth' }).waitFor({ timeout: 20_000 });
    await f.page.getByText('Your account has been deleted.').waitFor();
    assert.equal(await f.page.evaluate(() => localStorage.getItem('hearth.session')), null);
    // Its sessions ended with it.
    await apiCall(app, 'GET', '/v1/me', { token: fay.token, expect: 401 });
    assertNoProblems(f);
    await f.context.close();
  });

  it('lets the person who runs this Hearth back it up now, see the backup checked, and download it', async () => {
    const a = await person(browser, app, LAPTOP);
    await signInPage(a, ann);
    await a.page.goto('/admin');
    const section = a.page.getByRole('region', { name: 'Backups' });
    await section.getByText('Next backup').waitFor();
    await section.getByText('the last 7 days, 4 weeks and 6 months').waitFor();
    await section.getByText('Not encrypted').waitFor();
    await section.getByRole('button', { name: 'Back up now' }).click();
    await a.page.getByText('A backup is being made. It is checked before it is listed.').waitFor();
    // Followed until it is listed, checked (the supervisor reads it back whole).
    const item = section.getByRole('list', { name: 'Backups' }).getByRole('listitem').filter({ hasText: 'Checked' });
    await item.waitFor({ timeout: 60_000 });
    await section.getByRole('button', { name: 'Back up now' }).waitFor();
    await assertAccessible(a.page, 'instance page with a backup (1280 px)');

    const [download] = await Promise.all([a.page.waitForEvent('download'), item.getByRole('button', { name: /^Download the backup of / }).click()]);
    assert.match(download.suggestedFilename(), /^hearth-backup-\d{8}T\d{6}Z\.tar\.gz$/);
    const file = join(mkdtempSync(join(tmpdir(), 'hearth-web-backup-')), download.suggestedFilename());
    await download.saveAs(file);
    const manifest = await verifyBackup(file);
    assert.deepEqual(manifest.databases.map((d) => d.service).sort(), ['chat', 'gateway', 'location', 'notifications', 'users']);
    assertNoProblems(a);
    await a.context.close();
  });

  it('shows the person who runs this Hearth its services, version and settings, and refuses anyone else (1280 px)', async () => {
    const a = await person(browser, app, LAPTOP);
    await signInPage(a, ann);
    await open(a.page, 'Account', 'Account');
    await a.page.getByRole('link', { name: 'Manage this Hearth' }).click();
    await a.page.getByRole('heading', { level: 1, name: 'This Hearth' }).waitFor();
    await a.page.getByText('Every service is working.').waitFor();
    const services = a.page.getByRole('list', { name: 'Services' }).getByRole('listitem');
    for (const name of ['users', 'location', 'chat', 'notifications', 'gateway']) {
      await services.filter({ hasText: name }).filter({ hasText: 'Working' }).waitFor();
    }
    const instance = await apiCall(app, 'GET', '/v1/instance');
    await a.page.getByText(instance.version, { exact: true }).waitFor();
    await a.page.getByText('Only people with an invite link').waitFor();
    await a.page.getByRole('button', { name: 'Check again' }).click();
    await a.page.getByText('Every service is working.').waitFor();
    await assertAccessible(a.page, 'instance page (1280 px)');

    await a.page.getByRole('button', { name: 'Rotate signing keys' }).click();
    const dialog = a.page.getByRole('dialog', { name: 'Rotate the signing keys?' });
    await dialog.getByText('Everyone stays signed in').waitFor();
    await dialog.getByRole('button', { name: 'Rotate now' }).click();
    await a.page.getByText('A new signing key is in use').waitFor();
    // Still signed in: the account page's requests keep working.
    await open(a.page, 'Account', 'Account');
    await a.page.getByRole('list', { name: 'Where you are signed in' }).getByRole('listitem').first().waitFor();

    const b = await person(browser, app);
    await signInPage(b, bo);
    await b.page.goto('/admin');
    await b.page.getByText('Only the person who runs this Hearth can see this.').waitFor();
    assert.equal(await b.page.getByRole('heading', { name: 'Services' }).count(), 0);
    await assertAccessible(b.page, 'instance page refused (412 px)');
    await b.page.goto('/account');
    await b.page.getByRole('heading', { level: 1, name: 'Account' }).waitFor();
    assert.equal(await b.page.getByRole('link', { name: 'Manage this Hearth' }).count(), 0);
    assertNoProblems(a, b);
    await a.context.close();
    await b.context.close();
  });
});
