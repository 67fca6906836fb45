/**
 * The OwnTracks app's HTTP mode through the real gateway, users and location services:
 * payloads shaped as the OwnTracks documentation publishes them (src/gateway/owntracks/
 * fixtures.ts names each page; only `tst` is moved to now, since Hearth keeps 30 days),
 * HTTP Basic with an app password, the friends reply, and the done-when of #5: two members
 * see each other move live on the stream, one posting as OwnTracks, the other through
 * `POST /v1/locations`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as docs from '../support/fixtures/owntracks.ts';
import { WsClient } from '../support/ws-client.ts';
import { assertProblem, call } from '../support/http.ts';
import { joinGroup, makeGroup, signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

describe('location: OwnTracks HTTP mode', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('loc-owntracks');
  let h: InProcessHearth;
  let ann: User;
  let bo: User;
  let group: string;
  let boBasic: [string, string];
  let annBasic: [string, string];
  const nowS = () => Math.floor(Date.now() / 1000);
  const asOwnTracks = (basic: [string, string], body: unknown, device = 'iphone') =>
    call(h, 'POST', '/v1/owntracks', { basic, body, headers: { 'x-limit-u': 'someone', 'x-limit-d': device } });
  const track = async (who: User) => (await call(h, 'GET', `/v1/groups/${group}/members/${who.userId}/track`, { token: ann.token })).body;

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    [ann, bo] = [await signUp(h, 'Ann'), await signUp(h, 'Bo')];
    assert.equal((await call(h, 'PATCH', '/v1/me', { token: ann.token, body: { displayName: 'Ann Smith' } })).status, 200);
    group = await makeGroup(h, ann, 'Family');
    await joinGroup(h, group, ann, bo);
    const appPassword = async (u: User) => (await call(h, 'POST', '/v1/me/app-passwords', { token: u.token, body: { label: 'OwnTracks' } })).body.password as string;
    boBasic = [bo.email, await appPassword(bo)];
    annBasic = [ann.email, await appPassword(ann)];
    await waitFor('location knows both members', async () => {
      const r = await call(h, 'GET', `/v1/groups/${group}/live`, { token: ann.token });
      return r.status === 200 && r.body.members.length === 2 ? true : undefined;
    });
  });
  after(() => h?.stop());

  it('shows each member moving to the other live: one as OwnTracks, one through /v1/locations', async () => {
    const annWs = await WsClient.open(h.url.replace('http', 'ws') + '/v1/stream', ann.token);
    const boWs = await WsClient.open(h.url.replace('http', 'ws') + '/v1/stream', bo.token);
    await annWs.take((m) => m.type === 'ready');
    await boWs.take((m) => m.type === 'ready');

    const tst = nowS();
    const posted = await asOwnTracks(boBasic, { ...docs.traccarLocation, tst });
    assert.equal(posted.status, 200, posted.text);
    assert.ok(Array.isArray(posted.body));
    const seen = await annWs.event('location.sampled', group);
    const data = (seen.event as { data: any }).data;
    assert.equal(data.userId, bo.userId);
    assert.equal(data.fix.lat, docs.traccarLocation.lat);
    assert.equal(data.fix.device, 'iphone');
    assert.ok(Math.abs(data.fix.speed - 61 / 3.6) < 1e-9, 'vel 61 km/h is 16.94 m/s');
    assert.equal(data.fix.battery, 41);
    assert.equal(data.fix.fixAt, new Date(tst * 1000).toISOString());

    const annFix = await call(h, 'POST', '/v1/locations', { token: ann.token, body: { lat: 48.8606, lon: 2.3376, timestamp: new Date().toISOString(), accuracy: 8 } });
    assert.equal(annFix.status, 200, annFix.text);
    // Bo's stream carries his own fix too; Ann's comes after it.
    const annSeen = await boWs.take((m) => m.type === 'event' && (m.event as { type: string; data: any }).type === 'location.sampled' && (m.event as { data: any }).data.userId === ann.userId);
    assert.equal((annSeen.event as { data: any }).data.fix.lat, 48.8606);
    await annWs.close();
    await boWs.close();
  });

  it('answers with a card and a location for every member the user can see', async () => {
    const r = await asOwnTracks(boBasic, { ...docs.quicksetupLocation, tst: nowS() });
    assert.equal(r.status, 200, r.text);
    const card = r.body.find((o: any) => o._type === 'card');
    const loc = r.body.find((o: any) => o._type === 'location');
    assert.equal(card.name, 'Ann Smith');
    assert.equal(card.tid, 'AS');
    assert.equal(loc.tid, card.tid, 'the app files a friend by tid');
    assert.equal(loc.lat, 48.8606);
    assert.equal(typeof loc.tst, 'number');
    assert.ok(!r.body.some((o: any) => o.name === 'Bo'), 'the poster is not their own friend');
  });

  it('imports a member\u2019s waypoints as suggestions and an owner\u2019s as group places', async () => {
    const asMember = await asOwnTracks(boBasic, docs.waypointsList);
    assert.equal(asMember.status, 200, asMember.text);
    const suggestions = await call(h, 'GET', `/v1/groups/${group}/place-suggestions`, { token: ann.token });
    assert.ok(suggestions.body.suggestions.length >= 1, suggestions.text);
    assert.ok(suggestions.body.suggestions.every((s: any) => s.userId === bo.userId));
    assert.equal((await call(h, 'GET', `/v1/groups/${group}/places`, { token: ann.token })).body.places.length, 0, 'a member makes no places');

    const asOwner = await asOwnTracks(annBasic, { ...docs.waypoint, tst: nowS() });
    assert.equal(asOwner.status, 200, asOwner.text);
    const places = (await call(h, 'GET', `/v1/groups/${group}/places`, { token: ann.token })).body.places;
    assert.deepEqual(places.map((p: any) => p.name), [docs.waypoint.desc]);
  });

  it('accepts card, lwt, status, unknown types and an empty body, storing nothing', async () => {
    const before = (await track(bo)).total;
    for (const body of [docs.card, docs.lwt, docs.status, docs.cmd, docs.steps]) {
      const r = await asOwnTracks(boBasic, body);
      assert.equal(r.status, 200, `${(body as any)._type}: ${r.text}`);
      assert.ok(Array.isArray(r.body));
    }
    const empty = await call(h, 'POST', '/v1/owntracks', { basic: boBasic, raw: '' });
    assert.equal(empty.status, 200, empty.text);
    assert.equal((await track(bo)).total, before);
  });

  it('refuses garbage with 400 and stores nothing', async () => {
    const before = (await track(bo)).total;
    const garbage: unknown[] = ['hello', [docs.quicksetupLocation], null, 42, { _type: 5 }, { _type: 'location', lon: 2, tst: nowS() }, { _type: 'location', lat: 'x', lon: 2, tst: nowS() },
      { _type: 'location', lat: 91, lon: 2, tst: nowS() }, { _type: 'location', lat: 1, lon: 2 }, { _type: 'waypoints', waypoints: 'x' }];
    for (const body of garbage) {
      const r = await asOwnTracks(boBasic, body);
      assertProblem(r, 400);
    }
    assert.equal((await track(bo)).total, before);
    // A fix from the future is no garbage: it is recorded at the time it arrived (owntracks-ingest.int.test.ts).
    const future = await asOwnTracks(boBasic, { ...docs.quicksetupLocation, tst: nowS() + 3600 });
    assert.equal(future.status, 200, future.text);
  });

  it('refuses a wrong app password with 401', async () => {
    assertProblem(await asOwnTracks([bo.email, 'not the app password'], { ...docs.quicksetupLocation, tst: nowS() }), 401);
  });
});
