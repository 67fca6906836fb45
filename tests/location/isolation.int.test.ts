/**
 * Location isolation through the real gateway, users and location services: a group sees
 * nothing of another group by any route or stream; a member who pauses sharing shows only
 * that they paused (now, in the past, on the stream) until they resume; a member who
 * leaves or is removed drops out of the group's view; and fixes land on the token's user
 * only — bodies are strict, so no field can aim them at another user or group.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SseClient } from '../support/sse-client.ts';
import { WsClient, type Msg } from '../support/ws-client.ts';
import { assertProblem, call } from '../support/http.ts';
import { joinGroup, makeGroup, signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

const T0 = Date.now() - 10 * 60_000;
let tick = 0;
/** A fix time newer than every one before it (and still in the past). */
const stamp = (): string => new Date(T0 + ++tick * 1000).toISOString();
const fix = (lat: number, lon: number) => ({ lat, lon, timestamp: stamp(), accuracy: 5 });

const sampledBy = (userId: string) => (m: Msg) => m.type === 'event' && (m.event as any).type === 'location.sampled' && (m.event as any).data.userId === userId;

/** Waits until the location service knows `who` is in `groupId` (it learns it from users events). */
async function known(h: InProcessHearth, who: User, groupId: string): Promise<void> {
  await waitFor(`${who.name} in ${groupId} for location`, async () => (await call(h, 'GET', `/v1/groups/${groupId}/live`, { token: who.token })).status === 200);
}

async function post(h: InProcessHearth, who: User, body: unknown): Promise<{ accepted: number; duplicates: number; expired: number; groups: string[] }> {
  const r = await call(h, 'POST', '/v1/locations', { token: who.token, body });
  assert.equal(r.status, 200, r.text);
  return r.body;
}

const live = async (h: InProcessHearth, who: User, groupId: string, at?: string) => {
  const r = await call(h, 'GET', `/v1/groups/${groupId}/live${at ? `?at=${encodeURIComponent(at)}` : ''}`, { token: who.token });
  assert.equal(r.status, 200, r.text);
  return r.body as { members: any[] };
};
const track = (h: InProcessHearth, who: User, groupId: string, userId: string, extra = '') =>
  call(h, 'GET', `/v1/groups/${groupId}/members/${userId}/track?from=${new Date(T0 - 60_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}&limit=10000${extra}`, { token: who.token });

describe('location: isolation between groups and members', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('loc-isolation');
  let h: InProcessHearth;
  let ann: User, bo: User, cy: User, di: User;
  let A: string, B: string;
  let wsUrl: string;

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    wsUrl = `${h.url.replace(/^http/, 'ws')}/v1/stream`;
    [ann, bo, cy, di] = await Promise.all([signUp(h, 'Ann'), signUp(h, 'Bo'), signUp(h, 'Cy'), signUp(h, 'Di')]);
    A = await makeGroup(h, ann, 'Alpha');
    B = await makeGroup(h, cy, 'Bravo');
    await joinGroup(h, A, ann, bo);
    await joinGroup(h, B, cy, di);
    await Promise.all([known(h, ann, A), known(h, bo, A), known(h, cy, B), known(h, di, B)]);
    assert.deepEqual((await post(h, ann, fix(48.111111, 11.511111))).groups, [A]);
    assert.deepEqual((await post(h, bo, fix(48.222222, 11.622222))).groups, [A]);
    assert.deepEqual((await post(h, cy, fix(40.333333, -3.733333))).groups, [B]);
    assert.deepEqual((await post(h, di, fix(40.444444, -3.844444))).groups, [B]);
    const place = await call(h, 'POST', `/v1/groups/${A}/places`, { token: ann.token, body: { name: 'Alpha home', lat: 48.111111, lon: 11.511111, radius: 100 } });
    assert.equal(place.status, 201, place.text);
  });
  after(() => h?.stop());

  it('answers 404 to a non-member on every location route of another group', async () => {
    const at = new Date(Date.now() - 1000).toISOString();
    const probes: [string, string, unknown?][] = [
      ['GET', `/v1/groups/${A}/live`],
      ['GET', `/v1/groups/${A}/live?at=${encodeURIComponent(at)}`],
      ['GET', `/v1/groups/${A}/members/${bo.userId}/track`],
      ['GET', `/v1/groups/${A}/members/${bo.userId}/track?format=gpx`],
      ['GET', `/v1/groups/${A}/members/${bo.userId}/track?format=geojson`],
      ['GET', `/v1/groups/${A}/places`],
      ['GET', `/v1/groups/${A}/place-suggestions`],
      ['POST', `/v1/groups/${A}/sharing`],
      ['DELETE', `/v1/groups/${A}/sharing`],
      ['POST', `/v1/groups/${A}/sos`, {}],
      ['POST', `/v1/groups/${A}/journey`, { mode: 'walking', destination: { name: 'X', lat: 1, lon: 1 }, expectedArrival: new Date(Date.now() + 3_600_000).toISOString() }],
      ['POST', `/v1/groups/${A}/places`, { name: 'Mine now', lat: 1, lon: 1, radius: 100 }],
    ];
    for (const who of [cy, di]) {
      for (const [method, path, body] of probes) {
        const r = await call(h, method, path, { token: who.token, ...(body === undefined ? {} : { body }) });
        assert.equal(r.status, 404, `${who.name} ${method} ${path}: ${r.text}`);
        assertProblem(r, 404, 'membership.not_a_member');
        assert.equal(/48\.(11|22)|Alpha/.test(r.text), false, `${method} ${path} leaks A's data`);
      }
    }
    // A member of A asked about through B: not a member there.
    assertProblem(await track(h, cy, B, bo.userId), 404, 'users.no_such_member');
    // The history route takes the group from the query, past the edge: the service refuses
    // it, and just as it refuses a group that does not exist (so nothing is learnt about A).
    const erase = await call(h, 'DELETE', `/v1/me/location-history?groupId=${A}`, { token: cy.token });
    const nowhere = await call(h, 'DELETE', '/v1/me/location-history?groupId=01900000-0000-7000-8000-00000000dead', { token: cy.token });
    assertProblem(erase, nowhere.status);
    assert.ok(erase.status === 403 || erase.status === 404, erase.text);
    assert.equal(erase.body.code, nowhere.body.code);
    assert.equal((await track(h, ann, A, bo.userId)).body.total, 1, 'A\u2019s history is intact');
  });

  it('lists only the group\u2019s own members in its live view', async () => {
    const view = await live(h, cy, B);
    assert.deepEqual(view.members.map((m) => m.userId).sort(), [cy.userId, di.userId].sort());
    const text = JSON.stringify(view);
    for (const secret of ['48.111111', '48.222222', ann.userId, bo.userId, 'Ann', 'Bo"']) assert.equal(text.includes(secret), false, `B's live view shows ${secret}`);
  });

  it('never puts A\u2019s location events on a B member\u2019s WebSocket or SSE stream', async () => {
    const annWs = await WsClient.open(wsUrl, ann.token);
    const cyWs = await WsClient.open(wsUrl, cy.token);
    const annSse = await SseClient.open(`${h.url}/v1/events`, { authorization: `Bearer ${ann.token}` });
    const cySse = await SseClient.open(`${h.url}/v1/events`, { authorization: `Bearer ${cy.token}` });
    try {
      await Promise.all([annWs.take((m) => m.type === 'ready'), cyWs.take((m) => m.type === 'ready'), annSse.event('ready'), cySse.event('ready')]);
      await post(h, bo, fix(48.222223, 11.622223));
      // Di's fix is committed after Bo's, so a leaked A event would reach Cy before this marker.
      await post(h, di, fix(40.444445, -3.844445));
      const seen = await annWs.take(sampledBy(bo.userId));
      assert.equal(seen.groupId, A);
      assert.equal((seen.event as any).data.fix.lat, 48.222223);
      assert.match((await annSse.take((f) => f.event === 'location.sampled' && f.data!.includes(bo.userId))).data!, /48\.222223/);
      await cyWs.take(sampledBy(di.userId));
      await cySse.take((f) => f.event === 'location.sampled' && f.data!.includes(di.userId));
      assert.deepEqual(cyWs.events().filter((m) => m.groupId !== B), []);
      for (const text of [JSON.stringify(cyWs.inbox), JSON.stringify(cySse.frames)]) {
        for (const secret of [A, bo.userId, ann.userId, '48.22']) assert.equal(text.includes(secret), false, `Cy's stream shows ${secret}`);
      }
    } finally {
      annSse.close();
      cySse.close();
      await Promise.all([annWs.close(), cyWs.close()]);
    }
  });

  it('shows a paused member as paused only — now, in the past and on the stream — until they resume', async () => {
    const annWs = await WsClient.open(wsUrl, ann.token);
    try {
      await annWs.take((m) => m.type === 'ready');
      const beforePause = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 5));
      assert.ok((await live(h, ann, A, beforePause)).members.find((m) => m.userId === bo.userId).lastFix, 'time travel shows Bo before the pause');
      const tracked = (await track(h, ann, A, bo.userId)).body.total as number;

      const paused = await call(h, 'DELETE', `/v1/groups/${A}/sharing`, { token: bo.token });
      assert.equal(paused.status, 200, paused.text);
      assert.equal(paused.body.sharing, false);
      await annWs.take((m) => m.type === 'event' && (m.event as any).type === 'state.sharing_paused');

      const hidden = { userId: bo.userId, displayName: 'Bo', sharing: false, state: null, lastFix: null, lastSeen: null, journey: null, sos: null, places: [] };
      assert.deepEqual((await live(h, ann, A)).members.find((m) => m.userId === bo.userId), hidden);
      assert.deepEqual((await live(h, ann, A, beforePause)).members.find((m) => m.userId === bo.userId), hidden, 'time travel to before the pause');
      for (const format of ['', '&format=gpx', '&format=geojson']) assertProblem(await track(h, ann, A, bo.userId, format), 403, 'location.not_sharing');

      assert.deepEqual((await post(h, bo, fix(48.5, 11.5))).groups, [], 'a paused member shares with nobody');
      await post(h, ann, fix(48.111112, 11.511112)); // the marker: a Bo event would arrive before it
      await annWs.take(sampledBy(ann.userId));
      assert.deepEqual(annWs.inbox.filter(sampledBy(bo.userId)), []);

      const resumed = await call(h, 'POST', `/v1/groups/${A}/sharing`, { token: bo.token });
      assert.equal(resumed.status, 200, resumed.text);
      assert.equal(resumed.body.sharing, true);
      const back = (await live(h, ann, A)).members.find((m) => m.userId === bo.userId);
      assert.equal(back.sharing, true);
      assert.equal(back.lastFix.lat, 48.222223, 'the fix sent while paused was not recorded');
      assert.deepEqual((await post(h, bo, fix(48.222224, 11.622224))).groups, [A]);
      assert.equal(((await annWs.take(sampledBy(bo.userId))).event as any).data.fix.lat, 48.222224);
      const t = await track(h, ann, A, bo.userId);
      assert.equal(t.status, 200, t.text);
      assert.equal(t.body.total, tracked + 1);
      assert.equal(t.body.points.some((p: any) => p.lat === 48.5), false);
    } finally {
      await annWs.close();
    }
  });

  it('drops a member who leaves or is removed from the group\u2019s view and stream', async () => {
    const [eve, fay] = await Promise.all([signUp(h, 'Eve'), signUp(h, 'Fay')]);
    await joinGroup(h, A, ann, eve);
    await joinGroup(h, A, ann, fay);
    await Promise.all([known(h, eve, A), known(h, fay, A)]);
    await post(h, eve, fix(48.7, 11.7));
    await post(h, fay, fix(48.8, 11.8));
    assert.equal((await live(h, ann, A)).members.filter((m) => m.userId === eve.userId || m.userId === fay.userId).length, 2);
    const annWs = await WsClient.open(wsUrl, ann.token);
    const eveWs = await WsClient.open(wsUrl, eve.token);
    try {
      await Promise.all([annWs.take((m) => m.type === 'ready'), eveWs.take((m) => m.type === 'ready')]);
      const left = await call(h, 'POST', `/v1/groups/${A}/leave`, { token: eve.token });
      assert.ok(left.status < 300, left.text);
      const removed = await call(h, 'DELETE', `/v1/groups/${A}/members/${fay.userId}`, { token: ann.token });
      assert.ok(removed.status < 300, removed.text);
      // Both services learn it from the users service's events, so allow them the moment that takes.
      await waitFor('Eve and Fay gone from the live view', async () => {
        const ids = (await live(h, ann, A)).members.map((m) => m.userId);
        return !ids.includes(eve.userId) && !ids.includes(fay.userId);
      }, 2000);
      for (const gone of [eve, fay]) {
        assertProblem(await track(h, ann, A, gone.userId), 404, 'users.no_such_member');
        assert.deepEqual((await post(h, gone, fix(48.9, 11.9))).groups, []);
      }
      await post(h, bo, fix(48.222225, 11.622225));
      await annWs.take(sampledBy(bo.userId));
      assert.deepEqual(annWs.inbox.filter((m) => sampledBy(eve.userId)(m) || sampledBy(fay.userId)(m)), []);
      await eveWs.take((m) => m.type === 'event' && (m.event as any).type === 'group.member_left');
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(eveWs.inbox.filter(sampledBy(bo.userId)), [], 'Eve sees nothing of A after leaving');
    } finally {
      await Promise.all([annWs.close(), eveWs.close()]);
    }
  });

  it('refuses fixes with fields that aim them elsewhere, and files each fix under the token\u2019s user', async () => {
    const good = fix(40.333334, -3.733334);
    const spoofs: [string, unknown, string][] = [
      ['a groupId on the fix', { ...good, groupId: A }, 'body.groupId'],
      ['a userId on the fix', { ...good, userId: bo.userId }, 'body.userId'],
      ['an actor on the fix', { ...good, actor: { userId: bo.userId, sessionId: bo.sessionId } }, 'body.actor'],
      ['a groupId beside a batch', { fixes: [good], groupId: A }, 'body.groupId'],
      ['a userId beside a batch', { fixes: [good], userId: bo.userId }, 'body.userId'],
      ['a userId inside a batch', { fixes: [{ ...good, userId: bo.userId }] }, 'body.fixes.0.userId'],
    ];
    for (const [label, body, path] of spoofs) {
      const r = await call(h, 'POST', '/v1/locations', { token: cy.token, body });
      assertProblem(r, 400, 'gateway.invalid_request');
      assert.ok(r.body.errors.some((e: any) => e.path === path), `${label}: ${JSON.stringify(r.body.errors)}`);
    }
    const sos = await call(h, 'POST', `/v1/groups/${B}/sos`, { token: cy.token, body: { userId: di.userId } });
    assertProblem(sos, 400, 'gateway.invalid_request');

    assert.deepEqual((await post(h, cy, good)).groups, [B]);
    const mine = await track(h, di, B, cy.userId);
    assert.equal(mine.status, 200, mine.text);
    assert.equal(mine.body.points.some((p: any) => p.lat === 40.333334), true, 'on Cy, who holds the token');
    for (const [g, u] of [[B, di.userId], [A, bo.userId], [A, ann.userId]] as const) {
      const other = await track(h, g === A ? ann : di, g, u);
      assert.equal(other.body.points.some((p: any) => p.lat === 40.333334), false, `the fix landed on ${u} in ${g}`);
    }
    assert.equal((await live(h, cy, B)).members.find((m) => m.userId === cy.userId).lastFix.lat, 40.333334);
  });
});
