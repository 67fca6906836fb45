/**
 * The map and "Me", in a real browser against the real appliance: members on the map and
 * in the list, moving live; the list when tiles cannot load; time travel; `?focus=`; places
 * added by tapping the map; pause and resume; SOS by holding and by confirming; sharing
 * from this browser with fixes queued offline and sent once. Positions are posted through
 * the API as a phone would; results are checked on screen and through the API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  account,
  apiCall,
  assertAccessible,
  assertNoProblems,
  browserSkip,
  family,
  fixAt,
  LAPTOP,
  launchBrowser,
  person,
  PHONE,
  signInPage,
  startAppliance,
  WEB_TIMEOUT,
  type Account,
  type Appliance,
} from './support.ts';
import { waitFor } from '../support/poll.ts';

/** How the API is polled (the API catches up with what the page did). */
const API = { timeoutMs: 15_000, everyMs: 200 };

const HOME = { lat: 48.8566, lon: 2.3522 };
const near = { lat: HOME.lat + 0.01, lon: HOME.lon }; // 1.1 km north
const far = { lat: HOME.lat + 0.4, lon: HOME.lon }; // 44 km north
const farther = { lat: HOME.lat + 1, lon: HOME.lon }; // 111 km north

/** One appliance, one browser and the family Ann (owner) and Bo, with a fix each. */
function setUp() {
  const w = {} as { app: Appliance; browser: Browser; ann: Account; bo: Account; groupId: string };
  before(async () => {
    [w.app, w.browser] = await Promise.all([startAppliance(), launchBrowser()]);
    const f = await family(w.app, ['Ann', 'Bo']);
    [w.ann, w.bo] = f.people as [Account, Account];
    w.groupId = f.groupId;
    await post(w, w.ann, HOME);
    await post(w, w.bo, near);
  });
  after(async () => {
    await w.browser?.close();
    await w.app?.stop();
  });
  return w;
}

type World = ReturnType<typeof setUp>;
const post = (w: World, who: Account, p: { lat: number; lon: number }) => apiCall(w.app, 'POST', '/v1/locations', { token: who.token, body: fixAt(p.lat, p.lon) });
const liveOf = async (w: World, who: Account) => (await apiCall(w.app, 'GET', `/v1/groups/${w.groupId}/live`, { token: w.ann.token })).members.find((m: any) => m.userId === who.userId);
const mapOf = (page: Page) => page.getByRole('region', { name: 'Map', exact: true });
const entryOf = (page: Page, name: string) => mapOf(page).getByRole('list', { name: 'People' }).getByRole('button', { name: new RegExp(`^${name}\\b`) });

describe('the map', { skip: browserSkip, timeout: WEB_TIMEOUT }, () => {
  const w = setUp();

  it('shows a member with "last seen" and their distance, and moves them live when they post a fix', async () => {
    const p = await person(w.browser, w.app);
    await signInPage(p, w.ann);
    const entry = entryOf(p.page, 'Bo');
    await entry.filter({ hasText: 'last seen' }).filter({ hasText: '1.1 km away' }).waitFor();
    await entry.filter({ hasText: 'battery 80%' }).waitFor();
    const marker = mapOf(p.page).getByRole('button', { name: /^Bo: Sharing, last seen/ });
    await marker.waitFor();
    const placed = () => marker.evaluate((b) => (b.closest('.leaflet-marker-icon') as HTMLElement).style.transform);
    const was = await placed();

    await post(w, w.bo, far);
    await entry.filter({ hasText: /4\d km away/ }).waitFor();
    assert.notEqual(await placed(), was, 'the marker moved');
    assert.equal(await p.page.evaluate(() => document.querySelectorAll('.leaflet-container').length), 1, 'one map, never rebuilt');
    assertNoProblems(p);
    await p.context.close();
  });

  it('still lists everyone, with a notice, when the tiles cannot load', async () => {
    const p = await person(w.browser, w.app);
    const tilesBefore = w.app.tiles.requests;
    // Nothing leaves the machine but the API itself; the tile server is unreachable.
    await p.context.route((url) => !url.href.startsWith(w.app.url), (r) => r.abort());
    await p.context.route(`${w.app.tiles.url}/**`, (r) => r.abort());
    p.allowConsole.push(new RegExp(`Failed to load resource.* @ ${w.app.tiles.url.replace(/[.:/]/g, '\\$&')}/`));
    await signInPage(p, w.ann);
    await mapOf(p.page).getByRole('status').filter({ hasText: 'The map tiles could not load' }).waitFor();
    await entryOf(p.page, 'Bo').filter({ hasText: 'km away' }).waitFor();
    await entryOf(p.page, 'Ann').waitFor();
    assert.equal(w.app.tiles.requests, tilesBefore, 'no tile was fetched');
    await assertAccessible(p.page, 'map without tiles');
    assertNoProblems(p);
    await p.context.close();
  });

  it('time travels to a past state, unmoved by live fixes, and comes back to live', async () => {
    await post(w, w.bo, near);
    const then = (await liveOf(w, w.bo)).lastFix.receivedAt as string;
    await new Promise((r) => setTimeout(r, 2500)); // the past instant lies between the two fixes
    await post(w, w.bo, far);
    const p = await person(w.browser, w.app);
    await signInPage(p, w.ann);
    const entry = entryOf(p.page, 'Bo');
    await entry.filter({ hasText: /4\d km away/ }).waitFor();

    // The slider counts back in 5-minute steps from now: make "now" 5 minutes and 1 s
    // after the first fix, so one step back lands between the two fixes.
    await p.page.clock.setFixedTime(new Date(Date.parse(then) + 5 * 60_000 + 1000));
    const slider = mapOf(p.page).getByRole('slider', { name: 'Time' });
    await slider.fill('287');
    await mapOf(p.page).getByText(/^Showing \d.* —$/).waitFor();
    await entry.filter({ hasText: '1.1 km away' }).waitFor();

    await post(w, w.bo, farther); // live goes on underneath
    await waitFor('the live fix', async () => (await liveOf(w, w.bo)).lastFix.lat === farther.lat, API);
    await p.page.waitForTimeout(500); // an event that would move the past view has had its chance
    await entry.filter({ hasText: '1.1 km away' }).waitFor();

    await mapOf(p.page).getByRole('button', { name: 'Back to live' }).click();
    await entry.filter({ hasText: '111 km away' }).waitFor();
    assert.equal(await slider.getAttribute('aria-valuetext'), 'Now (live)');
    assertNoProblems(p);
    await p.context.close();
  });

  it('opens a member from /map?focus=, with their details and track, and passes axe at 412 and 1280 px', async () => {
    for (const size of [PHONE, LAPTOP]) {
      const p = await person(w.browser, w.app, size);
      await signInPage(p, w.ann);
      await p.page.goto(`/map?focus=${w.bo.userId}`);
      const details = mapOf(p.page).getByRole('region', { name: 'Bo', exact: true });
      await details.getByRole('heading', { name: 'Bo' }).waitFor();
      await details.getByText('Battery', { exact: true }).waitFor();
      await details.getByText(/positions?, .* travelled/).waitFor();
      await assertAccessible(p.page, `map with Bo selected at ${size.viewport.width} px`);
      await details.getByRole('button', { name: 'Close details' }).click();
      await details.waitFor({ state: 'detached' });
      assertNoProblems(p);
      await p.context.close();
    }
  });
});

describe('me', { skip: browserSkip, timeout: WEB_TIMEOUT }, () => {
  const w = setUp();

  it('lets an admin add a place by tapping the map and setting its radius, then change and delete it', async () => {
    const p = await person(w.browser, w.app);
    await signInPage(p, w.ann);
    const map = mapOf(p.page);
    await map.getByRole('button', { name: 'Add a place' }).click();
    const canvas = map.getByRole('group', { name: 'Street map of the group' });
    const box = (await canvas.boundingBox())!;
    await map.getByText('Tap the map to set the centre, or use the centre of the map.').waitFor();
    // A corner: no marker there. A tap while the map is still fitting the family into view
    // is taken for part of that move, so tap again, as a person would, until it is set.
    await waitFor('the centre set by a tap', async () => {
      await canvas.click({ position: { x: box.width - 30, y: 30 } });
      return map.getByText('Centre set on the map.').isVisible();
    }, { timeoutMs: 30_000, everyMs: 500 });
    await map.getByLabel('Place name').fill('Home');
    await map.getByLabel('Radius in metres').fill('150');
    await map.getByRole('button', { name: 'Save place' }).click();
    await map.getByRole('list', { name: 'Places' }).getByRole('button', { name: 'Home, 150 m' }).waitFor();
    await canvas.locator('.place-label', { hasText: 'Home' }).waitFor();
    const placesNow = async () => (await apiCall(w.app, 'GET', `/v1/groups/${w.groupId}/places`, { token: w.ann.token })).places.map((x: any) => [x.name, x.radius]);
    assert.deepEqual(await placesNow(), [['Home', 150]]);

    // Selected, it can be changed and deleted.
    await map.getByRole('list', { name: 'Places' }).getByRole('button', { name: 'Home, 150 m' }).click();
    await map.getByRole('heading', { name: 'Edit Home' }).waitFor();
    await map.getByLabel('Place name').fill('Our home');
    await map.getByLabel('Radius in metres').fill('300');
    await map.getByRole('button', { name: 'Save changes' }).click();
    await map.getByRole('list', { name: 'Places' }).getByRole('button', { name: 'Our home, 300 m' }).click();
    await map.getByRole('button', { name: 'Delete place' }).click();
    await p.page.getByRole('dialog', { name: 'Delete Our home?' }).getByRole('button', { name: 'Delete' }).click();
    await map.getByText('No places yet.').waitFor();
    assert.deepEqual(await placesNow(), []);
    assertNoProblems(p);
    await p.context.close();
  });

  it('starts a journey to a destination tapped on the map, and ends it', async () => {
    const p = await person(w.browser, w.app);
    await signInPage(p, w.ann);
    const map = mapOf(p.page);
    await map.getByRole('button', { name: 'Start a journey' }).click();
    await map.getByRole('radio', { name: 'Walking' }).check();
    const canvas = map.getByRole('group', { name: 'Street map of the group' });
    const box = (await canvas.boundingBox())!;
    await canvas.click({ position: { x: box.width - 30, y: box.height / 2 } });
    await map.getByText('Destination set on the map.').waitFor();
    await map.getByLabel('Destination name').fill('School');
    await assertAccessible(p.page, 'journey form');
    await map.getByRole('button', { name: 'Start journey' }).click();
    await map.getByText(/^On your way to School, expected at/).waitFor();
    const journey = (await liveOf(w, w.ann)).journey;
    assert.equal(journey.mode, 'walking');
    assert.equal(journey.destination.name, 'School');
    await map.getByRole('button', { name: 'End journey' }).click();
    await map.getByRole('button', { name: 'Start a journey' }).waitFor();
    assert.equal((await liveOf(w, w.ann)).journey, null);
    assertNoProblems(p);
    await p.context.close();
  });

  it('pauses and resumes sharing with the group', async () => {
    const p = await person(w.browser, w.app);
    await signInPage(p, w.ann);
    const map = mapOf(p.page);
    await map.getByRole('button', { name: 'Pause sharing with Family' }).click();
    await map.getByText('Paused: Family cannot see where you are.').waitFor();
    await waitFor('paused', async () => (await liveOf(w, w.ann)).sharing === false, API);
    await map.getByRole('button', { name: 'Resume sharing with Family' }).click();
    await map.getByText('Family can see where you are.').waitFor();
    await waitFor('sharing', async () => (await liveOf(w, w.ann)).sharing === true, API);
    assertNoProblems(p);
    await p.context.close();
  });

  it('raises an SOS only when held (or confirmed), and clears it with "I’m safe"', async () => {
    const p = await person(w.browser, w.app);
    await signInPage(p, w.ann);
    const me = mapOf(p.page).getByRole('region', { name: 'Me' });
    const sos = me.getByRole('button', { name: 'SOS', exact: true });
    const safe = me.getByRole('button', { name: /^I.m safe$/ });

    // A single press only asks; cancelling sends nothing.
    await sos.click();
    const dialog = p.page.getByRole('dialog', { name: 'Send SOS to everyone in Family?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await liveOf(w, w.ann)).sos, null);

    // Held for 2 s: raised.
    assert.match((await sos.getAttribute('aria-describedby'))!, /\w/);
    await sos.hover();
    await p.page.mouse.down();
    await safe.waitFor();
    await p.page.mouse.up();
    await waitFor('SOS raised', async () => (await liveOf(w, w.ann)).state === 'sos', API);
    await safe.click();
    await sos.waitFor();
    await waitFor('SOS cleared', async () => (await liveOf(w, w.ann)).state !== 'sos', API);

    // Space held down for 2 s: raised too.
    await sos.focus();
    await p.page.keyboard.down(' ');
    await safe.waitFor();
    await p.page.keyboard.up(' ');
    assert.equal((await liveOf(w, w.ann)).state, 'sos');
    await safe.click();
    await sos.waitFor();
    await waitFor('SOS cleared', async () => (await liveOf(w, w.ann)).state !== 'sos', API);

    // Confirmed in the dialog (a screen reader's press): raised too.
    await sos.click();
    await dialog.getByRole('button', { name: 'Send SOS' }).click();
    await safe.waitFor();
    assert.equal((await liveOf(w, w.ann)).state, 'sos');
    await safe.click();
    await waitFor('SOS cleared', async () => (await liveOf(w, w.ann)).state !== 'sos', API);
    assertNoProblems(p);
    await p.context.close();
  });

  it('shares my location from this browser, queues fixes while offline and sends each once', async () => {
    // Someone new, so their track holds this browser's fixes alone.
    const invite = await apiCall(w.app, 'POST', `/v1/groups/${w.groupId}/invites`, { token: w.ann.token, body: {} });
    const dee = await account(w.app, 'Dee', invite.code);
    const start = { latitude: 51.5, longitude: -0.12 };
    const p = await person(w.browser, w.app, { ...PHONE, permissions: ['geolocation'], geolocation: start });
    await signInPage(p, dee);
    const map = mapOf(p.page);
    const live = async () => (await apiCall(w.app, 'GET', `/v1/groups/${w.groupId}/live`, { token: dee.token })).members.find((m: any) => m.userId === dee.userId);
    await map.getByRole('switch', { name: 'Share my location from this browser' }).check();
    await waitFor('the first fix', async () => (await live()).lastFix?.lat === start.latitude, API);
    assert.match((await live()).lastFix.device, /^web-[a-z0-9]{8}$/);

    // The browser's own lines for the sends that found no network (the outbox tries, then waits).
    p.allowConsole.push(/Failed to load resource: net::ERR_INTERNET_DISCONNECTED/);
    await p.context.setOffline(true);
    await p.context.setGeolocation({ latitude: 51.51, longitude: -0.12 });
    await map.getByText('1 position waiting to be sent').waitFor();
    await p.context.setGeolocation({ latitude: 51.52, longitude: -0.12 });
    await map.getByText('2 positions waiting to be sent').waitFor();
    await p.context.setOffline(false);
    await waitFor('the queued fixes', async () => (await live()).lastFix?.lat === 51.52, API);
    await map.getByText(/waiting to be sent/).waitFor({ state: 'detached' });

    const from = new Date(Date.now() - 3600_000).toISOString();
    const track = await apiCall(w.app, 'GET', `/v1/groups/${w.groupId}/members/${dee.userId}/track?from=${encodeURIComponent(from)}`, { token: dee.token });
    assert.deepEqual(track.points.map((x: any) => x.lat), [51.5, 51.51, 51.52], 'each fix once, in order');
    assertNoProblems(p);
    await p.context.close();
  });
});
