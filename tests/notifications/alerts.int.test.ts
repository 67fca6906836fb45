/**
 * The alert rules through the running appliance: low battery (once per discharge, once per
 * recipient across groups, a group's threshold and its admins-only setting), arrival and
 * departure watches, and the once-only "your phone sends encrypted data Hearth cannot read"
 * notice. Each "nothing came" is checked after a later notification from the same source
 * arrived (sources are read in order), so it is not just "not yet". The stopped-reporting
 * timer, which needs a clock the test moves, is in silence.int.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encode } from '../../src/kit/index.ts';
import { location } from '../../src/contracts/index.ts';
import { assertProblem, call } from '../support/http.ts';
import { joinGroup, makeGroup, signUp, type User } from '../support/accounts.ts';
import { knownToLocation } from '../support/family.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { inbox, notifiedFamily, waitInbox } from './support.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

const HOME = { lat: 52.52, lon: 13.405 };
const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;
const SCHOOL = { lat: HOME.lat + 2000 / M_PER_DEG, lon: HOME.lon };
const FAR = { lat: HOME.lat - 5000 / M_PER_DEG, lon: HOME.lon };

describe('notifications: the alert rules', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('notif-alerts');
  let h: InProcessHearth;
  let ann: User;
  let bo: User;
  let cy: User;
  let stranger: User;
  let family: string;
  let club: string;
  let t = Date.now() - 300_000;
  const fix = async (u: User, p: { lat: number; lon: number }, battery?: number, batteryState?: string) => {
    const body = { ...p, accuracy: 5, timestamp: new Date((t += 1000)).toISOString(), device: 'phone', ...(battery === undefined ? {} : { battery, batteryState }) };
    const r = await call(h, 'POST', '/v1/locations', { token: u.token, body });
    assert.equal(r.status, 200, r.text);
  };
  const ofType = async (u: User, type: string) => (await inbox(h, u, '?limit=100')).items.filter((x) => x.type === type);
  const alerts = (token: string, body?: unknown) => call(h, body === undefined ? 'GET' : 'PATCH', `/v1/groups/${family}/alert-settings`, { token, ...(body === undefined ? {} : { body }) });

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    ({ users: [ann, bo, cy], group: family } = await notifiedFamily(h, ['Ann', 'Bo', 'Cy']));
    club = await makeGroup(h, ann, 'Club');
    await joinGroup(h, club, ann, bo);
    await knownToLocation(h, club, bo, ann);
    await waitInbox(h, ann, 1, (x) => x.type === 'invite_accepted' && x.groupId === club);
    stranger = await signUp(h, 'Stranger');
  });
  after(() => h?.stop());

  it('low battery: the others are told once per discharge (once across two groups), not the phone\u2019s owner; charging re-arms it', async () => {
    await fix(bo, FAR, 40, 'unplugged');
    await fix(bo, FAR, 12, 'unplugged');
    const [n] = await waitInbox(h, cy, 1, (x) => x.type === 'low_battery');
    assert.equal(n.title, 'Bo\u2019s phone battery is low');
    assert.equal(n.body, 'Bo\u2019s phone is at 12 % and not charging (Family).');
    assert.equal(n.priority, 'default');
    assert.deepEqual(n.refs, { userId: bo.userId });
    await fix(bo, FAR, 10, 'unplugged'); // still the same discharge
    await fix(bo, FAR, 30, 'charging');
    await fix(bo, FAR, 11, 'unplugged'); // a new one
    await waitInbox(h, cy, 2, (x) => x.type === 'low_battery');
    await waitInbox(h, ann, 2, (x) => x.type === 'low_battery');
    assert.equal((await ofType(cy, 'low_battery')).length, 2, 'the 10 % fix told nobody');
    // Ann shares Family and Club with Bo: one fix, two events, one notification per discharge.
    const sampled = (await h.location.events.read(0, 100_000)).filter((e) => e.type === 'location.sampled' && (e.data as { userId: string }).userId === bo.userId);
    assert.deepEqual([...new Set(sampled.map((e) => (e.data as { groupId: string }).groupId))].sort(), [club, family].sort(), 'Bo’s fixes reach both groups');
    assert.equal((await ofType(ann, 'low_battery')).length, 2, 'Ann is told once per discharge, not once per group');
    assert.deepEqual(await ofType(bo, 'low_battery'), []);
  });

  it('group alert settings: members read them, admins change them, bad values are refused', async () => {
    assert.deepEqual((await alerts(cy.token)).body, { groupId: family, lowBatteryPercent: 15, silenceMinutes: 120 });
    assertProblem(await alerts(cy.token, { lowBatteryPercent: 20 }), 403, 'users.insufficient_role');
    assertProblem(await alerts(stranger.token), 404, 'membership.not_a_member');
    assertProblem(await alerts(stranger.token, { lowBatteryPercent: 20 }), 404, 'membership.not_a_member');
    for (const bad of [{}, { lowBatteryPercent: 3 }, { lowBatteryPercent: 51 }, { lowBatteryPercent: 12.5 }, { lowBatteryPercent: '15' }, { silenceMinutes: 5 }, { silenceMinutes: 10_081 }, { silence: 60 }]) {
      assertProblem(await alerts(ann.token, bad), 400);
    }
    const off = await alerts(ann.token, { lowBatteryPercent: null });
    assert.equal(off.status, 200, off.text);
    assert.deepEqual(off.body, { groupId: family, lowBatteryPercent: null, silenceMinutes: 120 }, 'what is left out stays');
    assert.deepEqual((await alerts(bo.token)).body, off.body);
  });

  it('low battery off in a group tells no one there; back on, the next low fix tells', async () => {
    await fix(cy, FAR, 5, 'unplugged'); // off: nothing
    assert.equal((await alerts(ann.token, { lowBatteryPercent: 20 })).status, 200);
    await fix(cy, FAR, 19, 'unplugged');
    const [n] = await waitInbox(h, bo, 1, (x) => x.type === 'low_battery' && x.actorId === cy.userId);
    assert.equal(n.body, 'Cy\u2019s phone is at 19 % and not charging (Family).');
    assert.equal((await ofType(bo, 'low_battery')).filter((x) => x.actorId === cy.userId).length, 1);
    assert.equal((await ofType(ann, 'low_battery')).filter((x) => x.actorId === cy.userId).length, 1);
  });

  it('watches: "tell me when Bo arrives at School" tells Cy that and nothing else in the group; Ann, with none, hears all', async () => {
    const mk = async (name: string, p: { lat: number; lon: number }) => {
      const r = await call(h, 'POST', `/v1/groups/${family}/places`, { token: ann.token, body: { name, ...p, radius: 100 } });
      assert.equal(r.status, 201, r.text);
      return r.body.id as string;
    };
    await mk('Home', HOME);
    const school = await mk('School', SCHOOL);
    const set = await call(h, 'PUT', '/v1/notifications/preferences', { token: cy.token, body: { watches: [{ groupId: family, userId: bo.userId, placeId: school }] } });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual(set.body.watches, [{ groupId: family, userId: bo.userId, placeId: school, on: 'arrive' }]);
    await fix(bo, HOME); // Bo arrives home
    await fix(bo, SCHOOL); // leaves home, arrives at school
    await fix(bo, FAR); // leaves school
    await fix(bo, SCHOOL); // arrives at school again
    await waitInbox(h, ann, 2, (x) => x.type === 'place_left');
    await waitInbox(h, ann, 3, (x) => x.type === 'place_entered');
    const cyGot = await waitInbox(h, cy, 2, (x) => x.type === 'place_entered');
    assert.deepEqual(cyGot.map((x) => x.title), ['Bo arrived at School', 'Bo arrived at School']);
    assert.deepEqual(await ofType(cy, 'place_left'), [], 'Cy watches arrivals only');
    assert.equal((await ofType(cy, 'place_entered')).length, 2, 'not Bo arriving home');
  });

  it('watches: bad input is refused and nothing is saved', async () => {
    const put = (watches: unknown) => call(h, 'PUT', '/v1/notifications/preferences', { token: cy.token, body: { watches } });
    const kept = (await call(h, 'GET', '/v1/notifications/preferences', { token: cy.token })).body;
    assertProblem(await put([{ groupId: club }]), 404, 'membership.not_a_member');
    assertProblem(await put([{ groupId: family, userId: stranger.userId }]), 400, 'notifications.not_watchable');
    assertProblem(await put([{ groupId: family, userId: cy.userId }]), 400, 'notifications.not_watchable');
    assertProblem(await put([{ groupId: family, on: 'sometimes' }]), 400);
    assertProblem(await put([{ groupId: family, placeId: 'school' }]), 400);
    assertProblem(await put([{ groupId: family, when: 'arrive' }]), 400);
    assertProblem(await put(Array.from({ length: 51 }, () => ({ groupId: family }))), 400);
    assertProblem(await put({ groupId: family }), 400);
    assert.deepEqual((await call(h, 'GET', '/v1/notifications/preferences', { token: cy.token })).body, kept);
  });

  it('an unreadable phone tells its owner once, and nobody else', async () => {
    const data = { userId: bo.userId, device: 'phone', reason: 'no_key' as const, at: new Date().toISOString() };
    const e = await h.location.db.write((tx) => h.location.events.append(tx, location.PhoneUnreadable, data));
    const [n] = await waitInbox(h, bo, 1, (x) => x.type === 'phone_unreadable');
    assert.equal(n.title, 'Hearth cannot read your phone\u2019s locations yet');
    assert.match(n.body, /Set the same key in Hearth as in the OwnTracks app/);
    assert.equal(n.groupId, null);
    assert.equal(n.priority, 'high');
    // The same event delivered again, then a later one from the same source as a marker.
    for (let i = 0; i < 3; i++) h.location.nc.publish(`evt.location.${e.type}`, encode(e));
    await fix(bo, FAR, 3, 'unplugged');
    await fix(bo, FAR, 50, 'charging');
    await fix(bo, FAR, 4, 'unplugged');
    await waitInbox(h, cy, 3, (x) => x.type === 'low_battery' && x.actorId === bo.userId);
    assert.equal((await ofType(bo, 'phone_unreadable')).length, 1);
    for (const u of [ann, cy]) assert.deepEqual(await ofType(u, 'phone_unreadable'), []);
  });

  it('low battery: a discharge\u2019s fixes applied in one transaction tell as they would one by one', async () => {
    // Notifications stopped, so it reads all of them from location's log as one page: one
    // transaction, where each phone's mark and the group's settings are read once (tx.memo).
    const boLow = async () => (await ofType(cy, 'low_battery')).filter((x) => x.actorId === bo.userId).map((x) => x.body);
    const before = await boLow();
    assert.ok(!before.some((b) => / (17|14|7|5|6) %/.test(b)), 'levels not told before');
    const tablet = async (battery: number, batteryState: string, at = (t += 1000)) => {
      const body = { ...FAR, accuracy: 5, timestamp: new Date(at).toISOString(), device: 'tablet', battery, batteryState };
      const r = await call(h, 'POST', '/v1/locations', { token: bo.token, body });
      assert.equal(r.status, 200, r.text);
    };
    await h.stopNotifications();
    await tablet(50, 'unplugged');
    await tablet(17, 'unplugged'); // Family's threshold is 20 now: tells
    await tablet(14, 'unplugged'); // the same discharge
    await tablet(80, 'charging'); // re-arms
    await tablet(7, 'unplugged'); // tells
    await tablet(5, 'unplugged', t - 2500); // older than the last one judged: history, tells nothing
    await tablet(95, 'full');
    await tablet(6, 'unplugged'); // tells
    await h.startNotifications();
    await waitInbox(h, cy, before.length + 3, (x) => x.type === 'low_battery' && x.actorId === bo.userId);
    const told = (await boLow()).filter((b) => !before.includes(b));
    assert.deepEqual(told.sort(), ['17', '7', '6'].map((l) => `Bo\u2019s phone is at ${l} % and not charging (Family).`).sort());
  });
});
