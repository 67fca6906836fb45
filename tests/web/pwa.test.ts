/**
 * The installable app: a manifest Chromium accepts, a service worker that keeps the shell,
 * the app opening offline with the last known state, a new build's worker replacing the
 * old shell (and the page offering to reload), the first screen painted from the served page
 * alone, and the whole visit's JavaScript and CSS within 300 KB as the browser received it.
 * How fast that first screen paints is a benchmark's business (`npm run bench:web`), not a test's.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { freePort } from '../support/net.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildWeb } from '../../scripts/build-web.ts';
import type { Browser, Page } from 'playwright-core';
import { assertNoProblems, browserSkip, family, launchBrowser, person, signInPage, startAppliance, tileServer, WEB_TIMEOUT, type Account, type Appliance, type Person } from './support.ts';

const BUDGET = 300 * 1024;


/** Waits until a service worker controls the page (after its first install, one reload). */
async function controlled(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready);
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) {
    await page.evaluate(() => new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true })));
  }
}

describe('the installable app', { skip: browserSkip, timeout: WEB_TIMEOUT }, () => {
  let app: Appliance;
  let browser: Browser;
  let ann: Account;

  before(async () => {
    [app, browser] = await Promise.all([startAppliance(), launchBrowser()]);
    [ann] = (await family(app, ['Ann', 'Bo'])).people as [Account];
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('has a manifest Chromium can install from: name, start_url, standalone, icons incl. maskable', async () => {
    const p = await person(browser, app);
    await p.page.goto('/');
    const href = await p.page.locator('link[rel="manifest"]').getAttribute('href');
    assert.equal(href, '/manifest.webmanifest');
    const cdp = await p.context.newCDPSession(p.page);
    const { errors } = (await cdp.send('Page.getAppManifest' as never)) as unknown as { errors: Array<{ message: string; critical: number }> };
    assert.deepEqual(errors.filter((e) => e.critical), []);
    const installability = (await cdp.send('Page.getInstallabilityErrors' as never)) as unknown as { installabilityErrors: Array<{ errorId: string }> };
    // Chromium only offers installing on a secure origin with a worker in control; over plain http on 127.0.0.1 that is what remains.
    const blocking = installability.installabilityErrors.map((e) => e.errorId).filter((id) => !['no-url-for-service-worker', 'not-offline-capable', 'in-incognito'].includes(id));
    assert.deepEqual(blocking, []);
    assertNoProblems(p);
    await p.context.close();
  });

  it('paints its first screen, the sign-in form, from the served page and its bundle', async () => {
    const p = await person(browser, app);
    await p.page.goto('/');
    await p.page.getByRole('button', { name: 'Sign in' }).waitFor();
    const painted = await p.page.evaluate(() => performance.getEntriesByName('first-contentful-paint').length);
    assert.equal(painted, 1, 'the browser recorded a first contentful paint');
    await p.page.getByRole('textbox', { name: 'Email' }).waitFor();
    assertNoProblems(p);
    await p.context.close();
  });

  it('opens offline with the last known family, from the worker and the cache', async () => {
    const p = await person(browser, app);
    await signInPage(p, ann);
    await controlled(p.page);
    await p.page.getByRole('link', { name: 'Group' }).click();
    await p.page.getByText('Bo').first().waitFor();
    await p.context.setOffline(true);
    // Offline, the browser logs the refused requests (the token refresh, the stream): the network's, not the app's.
    p.allowConsole.push(/ERR_INTERNET_DISCONNECTED|Failed to fetch|WebSocket connection to/);
    await p.page.reload();
    await p.page.getByRole('navigation', { name: 'Main' }).waitFor();
    await p.page.getByRole('status').filter({ hasText: 'Offline' }).first().waitFor();
    await p.page.getByRole('link', { name: 'Group' }).click();
    await p.page.getByText('Bo').first().waitFor();
    await p.context.setOffline(false);
    await p.page.getByRole('status').filter({ hasText: 'Offline' }).waitFor({ state: 'detached', timeout: 20_000 }).catch(() => undefined);
    assertNoProblems(p);
    await p.context.close();
  });

  it("replaces the shell when a new build's worker arrives, and offers to reload", async () => {
    // Hearth A serves this build; then Hearth B, on the same address and data, serves another.
    const http = `127.0.0.1:${await freePort()}`;
    const data = join(mkdtempSync(join(tmpdir(), 'hearth-web-update-')), 'data');
    const next = mkdtempSync(join(tmpdir(), 'hearth-web-next-'));
    const built = await buildWeb(next, { stamp: 'next release' });
    const tiles = await tileServer(); // both Hearths' tiles: the page keeps the tile URL it cached
    const a = await startAppliance('', 'node', { http, data, tiles });
    let b: Appliance | undefined;
    let p: Person | undefined;
    try {
      const { people } = await family(a, ['Dee']);
      p = await person(browser, a);
      await signInPage(p, people[0]!);
      await controlled(p.page);
      const before = await p.page.evaluate(() => caches.keys());
      assert.equal(before.length, 1);
      assert.notEqual(before[0], `hearth-shell-${built.version}`);

      // While Hearth restarts, the page's stream and requests fail: the network's messages, not the app's.
      p.allowConsole.push(/ERR_CONNECTION_REFUSED|WebSocket connection to|Failed to load resource/);
      await a.stop();
      b = await startAppliance('', 'node', { http, data, web: `app_dir: "${next}"`, tiles });
      // A browser looks for a new worker on navigation and once a day; the test asks at once,
      // and asks again while no new shell is being installed (a check made while B was still
      // busy starting can fail, and the browser then waits for its next occasion).
      const shell = `hearth-shell-${built.version}`;
      await p.page.waitForFunction(
        async (name) => {
          const r = await navigator.serviceWorker.getRegistration();
          if (!(await caches.keys()).includes(name)) await r?.update().catch(() => undefined);
          return (await caches.keys()).includes(name);
        },
        shell,
        { polling: 1_000, timeout: 30_000 },
      );
      const updated = p.page.getByRole('status').filter({ hasText: 'Hearth has been updated.' });
      await updated.waitFor({ timeout: 30_000 }).catch(async (e: Error) => {
        // Say what the browser saw, so a failure here can be read from the log.
        const seen = await p!.page.evaluate(async () => {
          const r = await navigator.serviceWorker.getRegistration();
          const state = (w: ServiceWorker | null | undefined) => (w ? `${w.state} ${w.scriptURL}` : null);
          return { installing: state(r?.installing), waiting: state(r?.waiting), active: state(r?.active), controller: state(navigator.serviceWorker.controller), caches: await caches.keys(), url: location.href, text: document.body.innerText.slice(0, 500) };
        });
        throw new Error(`${e.message}\nthe browser saw: ${JSON.stringify(seen, null, 1)}`);
      });
      // The new worker takes control as it activates, and deletes the old shell while it does.
      await p.page.waitForFunction(async (name) => JSON.stringify(await caches.keys()) === JSON.stringify([name]), shell, { timeout: 10_000 });
      await p.page.getByRole('button', { name: 'Reload' }).click();
      await p.page.getByRole('navigation', { name: 'Main' }).waitFor();
      assert.equal(await p.page.getByRole('status').filter({ hasText: 'Hearth has been updated.' }).count(), 0);
      assertNoProblems(p);
    } finally {
      await p?.context.close();
      await a.stop();
      await b?.stop();
      await tiles.close();
    }
  });

  it('keeps a whole visit within 300 KB of JavaScript and CSS, as the browser received it', async () => {
    const p = await person(browser, app);
    const cdp = await p.context.newCDPSession(p.page);
    await cdp.send('Network.enable');
    const sizes = new Map<string, { type: string; bytes: number }>();
    const types = new Map<string, { url: string; type: string }>();
    cdp.on('Network.responseReceived', (e: any) => types.set(e.requestId, { url: e.response.url, type: e.type }));
    cdp.on('Network.loadingFinished', (e: any) => {
      const t = types.get(e.requestId);
      if (t && (t.type === 'Script' || t.type === 'Stylesheet')) sizes.set(t.url, { type: t.type, bytes: e.encodedDataLength });
    });
    await signInPage(p, ann);
    for (const view of ['Chat', 'Alerts', 'Group', 'Account', 'Map']) {
      await p.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: view }).click();
      await p.page.getByRole('heading').first().waitFor();
    }
    const total = [...sizes.values()].reduce((n, s) => n + s.bytes, 0);
    assert.ok(sizes.size >= 2, `scripts and styles seen: ${[...sizes.keys()].join(', ')}`);
    assert.ok(total <= BUDGET, `${total} bytes of JS and CSS: ${JSON.stringify([...sizes])}`);
    assertNoProblems(p);
    await p.context.close();
  });
});
