/**
 * "Locate now" and "Send places to everyone's phones" in a real browser against the real
 * appliance (#16): Ann presses the button on Bo's details and Bo's OwnTracks phone gets
 * `reportLocation` with its next post; Ann, the owner, sends the group's places and Bo's
 * phone gets them as `setWaypoints`; Bo, a member, has no such button. Found by role and name.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { apiCall, assertAccessible, assertNoProblems, browserSkip, family, fixAt, LAPTOP, launchBrowser, person, PHONE, signInPage, startAppliance, WEB_TIMEOUT, type Account, type Appliance } from './support.ts';

describe('commands for phones in the web app', { skip: browserSkip, timeout: WEB_TIMEOUT }, () => {
  let app: Appliance;
  let browser: Browser;
  let ann: Account;
  let bo: Account;
  let groupId: string;
  let boPassword: string;
  /** Bo's OwnTracks phone posts a location; the commands of the answer. */
  const boPhonePosts = async () => {
    const res = await fetch(`${app.url}/v1/owntracks`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${bo.email}:${boPassword}`).toString('base64')}`, 'content-type': 'application/json', 'x-limit-d': 'pixel' },
      body: JSON.stringify({ _type: 'location', lat: 48.86, lon: 2.35, tst: Math.floor(Date.now() / 1000), tid: 'bo' }),
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { _type: string; action?: string }[]).filter((o) => o._type === 'cmd');
  };

  before(async () => {
    [app, browser] = await Promise.all([startAppliance(), launchBrowser()]);
    const f = await family(app, ['Ann', 'Bo']);
    [ann, bo] = f.people as [Account, Account];
    groupId = f.groupId;
    await apiCall(app, 'POST', '/v1/locations', { token: ann.token, body: fixAt(48.8566, 2.3522) });
    boPassword = (await apiCall(app, 'POST', '/v1/me/app-passwords', { token: bo.token, body: { label: 'OwnTracks' } })).password;
    assert.deepEqual(await boPhonePosts(), []);
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('asks Bo\u2019s phone for its position from his details, and says it answers when it next reports', async () => {
    const p = await person(browser, app, PHONE);
    await signInPage(p, ann);
    await p.page.goto(`/map?focus=${bo.userId}`);
    const details = p.page.getByRole('region', { name: 'Bo', exact: true });
    await details.getByRole('button', { name: 'Locate Bo now' }).click();
    await details.getByRole('status').getByText('Asked Bo’s phone. It answers the next time it reports').waitFor();
    await assertAccessible(p.page, 'Bo\u2019s details after "Locate now"');
    assert.deepEqual(await boPhonePosts(), [{ _type: 'cmd', action: 'reportLocation' }]);
    assert.deepEqual(await boPhonePosts(), [], 'once');
    assertNoProblems(p);
    await p.context.close();
  });

  it('lets the owner send the group\u2019s places to everyone\u2019s phones, and not a member', async () => {
    await apiCall(app, 'POST', `/v1/groups/${groupId}/places`, { token: ann.token, body: { name: 'School', lat: 48.87, lon: 2.36, radius: 150 }, expect: 201 });
    const owner = await person(browser, app, LAPTOP);
    await signInPage(owner, ann);
    const places = owner.page.getByRole('region', { name: 'Places' });
    await places.getByRole('button', { name: /School/ }).waitFor();
    await places.getByRole('button', { name: 'Send places to everyone’s phones' }).click();
    await places.getByRole('status').getByText('1 place sent to 2 members').waitFor();
    const [cmd] = (await boPhonePosts()) as any[];
    assert.equal(cmd?.action, 'setWaypoints');
    assert.deepEqual(cmd.waypoints.waypoints.map((w: { desc: string; rad: number }) => [w.desc, w.rad]), [['School', 150]]);
    assertNoProblems(owner);
    await owner.context.close();

    const member = await person(browser, app, LAPTOP);
    await signInPage(member, bo);
    const seen = member.page.getByRole('region', { name: 'Places' });
    await seen.getByRole('button', { name: /School/ }).waitFor();
    assert.equal(await seen.getByRole('button', { name: 'Send places to everyone’s phones' }).count(), 0);
    assertNoProblems(member);
    await member.context.close();
  });
});
