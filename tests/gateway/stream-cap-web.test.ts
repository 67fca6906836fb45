/**
 * The web app and the per-user stream cap, in a real browser: when newer streams of the
 * same user push the page's stream out (close 4429 `too_many_streams`), the page does not
 * reconnect by itself — which would push out the next-oldest, and so on round the
 * user's devices — but says that live updates are paused, and resumes when the person
 * comes back to it (focus), pushing out the oldest other stream in turn.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { WsClient } from '../support/ws-client.ts';
import { apiCall, assertNoProblems, browserSkip, family, launchBrowser, person, signInPage, startAppliance, WEB_TIMEOUT, type Account, type Appliance } from '../web/support.ts';

const CAP = 2;

describe('the web app and the per-user stream cap', { skip: browserSkip, timeout: WEB_TIMEOUT }, () => {
  let app: Appliance;
  let browser: Browser;
  let ann: Account;

  before(async () => {
    [app, browser] = await Promise.all([startAppliance(`gateway { max_streams_per_user: ${CAP} }`), launchBrowser()]);
    [ann] = (await family(app, ['Ann'])).people as [Account];
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('pauses a displaced page instead of fighting back, and resumes it on focus', async () => {
    const p = await person(browser, app);
    await signInPage(p, ann);
    const live = p.page.getByRole('status').filter({ hasText: /^Live$/ });
    await live.waitFor({ state: 'attached', timeout: 20_000 });

    // Two newer streams of Ann (another device, say) push the page's out.
    const ws = `${app.url.replace(/^http/, 'ws')}/v1/stream`;
    const others: WsClient[] = [];
    for (let i = 0; i < CAP; i++) {
      const token = (await apiCall(app, 'POST', '/v1/auth/login', { body: { email: ann.email, password: ann.password } })).accessToken;
      const c = await WsClient.open(ws, token);
      await c.take((m) => m.type === 'ready');
      others.push(c);
    }
    await p.page.getByRole('status').filter({ hasText: 'Live updates paused' }).waitFor({ timeout: 10_000 });
    // Well past the first reconnect delays (0.25–0.5 s, then 0.5–1 s …): the page stayed away.
    await p.page.waitForTimeout(4000);
    const stillOpen = await Promise.all(others.map((c) => Promise.race([c.closed.then(() => false), Promise.resolve(true)])));
    assert.deepEqual(stillOpen, [true, true], 'the newer streams were left alone');

    // Coming back to the page resumes it; now the oldest of the others makes room.
    await p.page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await live.waitFor({ state: 'attached', timeout: 20_000 });
    assert.deepEqual(await others[0]!.closed, { code: 4429, reason: 'too_many_streams' });
    for (const c of others) await c.close();
    assertNoProblems(p);
    await p.context.close();
  });
});
