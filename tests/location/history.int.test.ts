/**
 * Location history through the real gateway: batches stored in fix-time order whatever
 * order they come in, uploads idempotent per (device, fix time), fixes past retention
 * skipped, tracks exported as GPX and GeoJSON (and thinned on request), a member erasing
 * their history in one group, a removed member's scope erased, and the retention job
 * erasing old fixes from the tracks and the log without the log ever reusing a seq.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { assertProblem, call } from '../support/http.ts';
import { joinGroup, makeGroup, signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { eraseExpired, readSettings } from '../../services/location/index.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('location: history', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('loc-history');
  let offset = 0;
  const clock = () => Date.now() + offset;
  let h: InProcessHearth;
  let started: number;
  let ann: User, bo: User, cy: User, di: User;
  let g1: string, g2: string, g3: string;
  const base = Date.now() - 3_600_000;
  const batch = Array.from({ length: 10 }, (_, i) => ({ lat: 50 + i / 1000, lon: 8, timestamp: iso(base + i * 10_000), accuracy: 5 }));
  const shuffled = [3, 7, 0, 9, 1, 5, 8, 2, 6, 4].map((i) => batch[i]!);

  const post = async (u: User, body: unknown) => {
    const r = await call(h, 'POST', '/v1/locations', { token: u.token, body });
    assert.equal(r.status, 200, r.text);
    return r.body as { accepted: number; duplicates: number; expired: number; groups: string[] };
  };
  const track = async (viewer: User, group: string, u: User, q = '') => {
    const range = `from=${encodeURIComponent(iso(Date.now() - 40 * DAY))}&to=${encodeURIComponent(iso(Date.now() + 40 * DAY))}`;
    return call(h, 'GET', `/v1/groups/${group}/members/${u.userId}/track?${range}${q}`, { token: viewer.token });
  };
  const points = async (viewer: User, group: string, u: User) => {
    const r = await track(viewer, group, u);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.points.length, r.body.total);
    return r.body.points as { lat: number; lon: number; at: string }[];
  };
  const live = async (viewer: User, group: string) => {
    const r = await call(h, 'GET', `/v1/groups/${group}/live`, { token: viewer.token });
    assert.equal(r.status, 200, r.text);
    return r.body.members as any[];
  };
  const scopeLog = async (group: string, u: User) => (await h.location.events.read(0, 100_000)).filter((e) => e.stream === `scope:${group}:${u.userId}`);
  const sampledIn = async (group: string, u: User) => (await scopeLog(group, u)).filter((e) => e.type === 'location.sampled').length;
  const known = (viewer: User, group: string, u: User) =>
    waitFor(`${u.name} known to the location service`, async () => (await live(viewer, group)).some((m) => m.userId === u.userId) || undefined);

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, (c) => void (c.location.retention_days = 30), { now: clock });
    started = Date.now();
    [ann, bo, cy, di] = [await signUp(h, 'Ann'), await signUp(h, 'Bo'), await signUp(h, 'Cy'), await signUp(h, 'Di')];
    [g1, g2, g3] = [await makeGroup(h, ann, 'Family'), await makeGroup(h, cy, 'Club'), await makeGroup(h, di, 'Solo')];
    await joinGroup(h, g1, ann, bo);
    await joinGroup(h, g2, cy, bo);
    await known(ann, g1, bo);
    await known(cy, g2, bo);
    await known(di, g3, di);
  });
  after(() => h?.stop());

  it('stores a batch sent out of order in fix-time order, in every group', async () => {
    assert.deepEqual(await post(bo, { fixes: shuffled }), { accepted: 10, duplicates: 0, expired: 0, groups: [g1, g2].sort() });
    for (const [viewer, group] of [[ann, g1], [cy, g2]] as const) {
      const got = await points(viewer, group, bo);
      assert.deepEqual(got.map((p) => p.at), batch.map((f) => f.timestamp));
      assert.deepEqual(got.map((p) => p.lat), batch.map((f) => f.lat));
    }
    const me = (await live(ann, g1)).find((m) => m.userId === bo.userId);
    assert.equal(me.lastFix.fixAt, batch[9]!.timestamp, 'the newest fix is the live one, not the last sent');
  });

  it('counts the same batch again as duplicates and stores nothing new', async () => {
    const before = await sampledIn(g1, bo);
    assert.deepEqual(await post(bo, { fixes: batch }), { accepted: 0, duplicates: 10, expired: 0, groups: [g1, g2].sort() });
    assert.equal((await points(ann, g1, bo)).length, 10);
    assert.equal(await sampledIn(g1, bo), before);
  });

  it('is idempotent per device and fix time', async () => {
    const at = iso(base + 200_000);
    assert.equal((await post(bo, { lat: 50.5, lon: 8, timestamp: at, device: 'phone' })).accepted, 1);
    assert.deepEqual(await post(bo, { lat: 50.5, lon: 8, timestamp: at, device: 'tablet' }), { accepted: 1, duplicates: 0, expired: 0, groups: [g1, g2].sort() });
    assert.deepEqual(await post(bo, { lat: 51, lon: 9, timestamp: at, device: 'phone' }), { accepted: 0, duplicates: 1, expired: 0, groups: [g1, g2].sort() });
    const again = iso(base + 210_000);
    const twice = await post(bo, { fixes: [{ lat: 50.6, lon: 8, timestamp: again }, { lat: 50.7, lon: 8, timestamp: again }] });
    assert.equal(twice.accepted, 1);
    assert.equal(twice.duplicates, 1, 'a repeat inside one batch');
    const got = await points(ann, g1, bo);
    assert.equal(got.length, 13);
    assert.equal(got.filter((p) => p.at === at).length, 2, 'one per device');
    assert.ok(!got.some((p) => p.lat === 51), 'the duplicate did not overwrite');
  });

  it('skips a fix older than the retention window and refuses one from the future', async () => {
    const old = iso(Date.now() - 31 * DAY);
    assert.deepEqual(await post(bo, { fixes: [{ lat: 49, lon: 8, timestamp: old }, { lat: 50.8, lon: 8, timestamp: iso(base + 300_000) }] }), {
      accepted: 1, duplicates: 0, expired: 1, groups: [g1, g2].sort(),
    });
    const got = await points(ann, g1, bo);
    assert.equal(got.length, 14);
    assert.ok(!got.some((p) => p.at === old));
    const future = await call(h, 'POST', '/v1/locations', { token: bo.token, body: { fixes: [{ lat: 1, lon: 1, timestamp: iso(base + 400_000) }, { lat: 1, lon: 1, timestamp: iso(Date.now() + 600_000) }] } });
    assertProblem(future, 400, 'location.fix_in_future');
    assert.equal((await points(ann, g1, bo)).length, 14, 'a refused batch stores nothing');
  });

  describe('exports', () => {
    const start = { lat: 47.0, lon: 9.0 };
    const path = Array.from({ length: 21 }, (_, i) => ({ lat: start.lat + (i * 100) / M_PER_DEG, lon: start.lon, timestamp: iso(base + i * 30_000), accuracy: 5 }));

    before(async () => void assert.equal((await post(di, { fixes: path })).accepted, 21));

    it('gives the distance of a straight 2 km walk and thins the track on request', async () => {
      const full = await track(di, g3, di);
      assert.equal(full.status, 200, full.text);
      assert.equal(full.body.total, 21);
      assert.ok(Math.abs(full.body.distanceM - 2000) <= 2, `distance ${full.body.distanceM}`);
      const thin = await track(di, g3, di, '&limit=10');
      assert.equal(thin.status, 200, thin.text);
      assert.ok(thin.body.points.length <= 10 && thin.body.points.length >= 2, `${thin.body.points.length} points`);
      assert.equal(thin.body.total, 21);
      assert.equal(thin.body.distanceM, full.body.distanceM, 'distance from the full track');
      assert.deepEqual(thin.body.points[0], full.body.points[0]);
      assert.deepEqual(thin.body.points.at(-1), full.body.points.at(-1));
    });

    it('exports GPX 1.1 as an attachment', async () => {
      const r = await track(di, g3, di, '&format=gpx');
      assert.equal(r.status, 200, r.text);
      assert.match(r.headers.get('content-type')!, /^application\/gpx\+xml/);
      assert.match(r.headers.get('content-disposition')!, /^attachment; filename="[\w.-]+\.gpx"$/);
      assert.match(r.text, /^<\?xml/);
      assert.equal(r.text.match(/<trkpt /g)?.length, 21);
      assert.equal(r.text.match(/<time>/g)?.length, 22, 'each point and the metadata');
      assert.match(r.text, /<trkpt lat="47" lon="9">/);
    });

    it('exports GeoJSON as a LineString of [lon, lat]', async () => {
      const r = await track(di, g3, di, '&format=geojson');
      assert.equal(r.status, 200, r.text);
      assert.match(r.headers.get('content-type')!, /^application\/geo\+json/);
      assert.match(r.headers.get('content-disposition')!, /^attachment; filename="[\w.-]+\.geojson"$/);
      const doc = JSON.parse(r.text);
      assert.equal(doc.type, 'FeatureCollection');
      assert.equal(doc.features[0].geometry.type, 'LineString');
      assert.deepEqual(doc.features[0].geometry.coordinates, path.map((p) => [p.lon, p.lat]));
      assert.deepEqual(doc.features[0].properties.times, path.map((p) => p.timestamp));
    });
  });

  it('erases my history in one group and leaves the other alone', async () => {
    const inG1 = await sampledIn(g1, bo);
    const inG2 = await sampledIn(g2, bo);
    assert.ok(inG1 > 0 && inG2 > 0);
    const r = await call(h, 'DELETE', `/v1/me/location-history?groupId=${g1}`, { token: bo.token });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { erased: inG1 });
    assert.deepEqual(await points(ann, g1, bo), []);
    const mine = (await live(ann, g1)).find((m) => m.userId === bo.userId);
    assert.equal(mine.lastFix, null);
    assert.equal(mine.lastSeen, null);
    assert.equal(await sampledIn(g1, bo), 0);
    assert.equal((await scopeLog(g1, bo)).at(-1)?.type, 'state.history_erased');
    assert.equal((await points(cy, g2, bo)).length, 14);
    assert.notEqual((await live(cy, g2)).find((m) => m.userId === bo.userId).lastFix, null);
    assert.equal(await sampledIn(g2, bo), inG2);
  });

  it('erases a removed member\u2019s scope: gone from the live view, the track and the log', async () => {
    assert.ok((await scopeLog(g2, bo)).length > 0);
    const r = await call(h, 'DELETE', `/v1/groups/${g2}/members/${bo.userId}`, { token: cy.token });
    assert.equal(r.status, 204, r.text);
    await waitFor('Bo gone from the club', async () => !(await live(cy, g2)).some((m) => m.userId === bo.userId) || undefined);
    assertProblem(await track(cy, g2, bo), 404);
    assert.deepEqual(await scopeLog(g2, bo), []);
    const [left] = await h.location.db.query('SELECT count(*) AS n FROM fixes WHERE group_id = ? AND user_id = ?', [g2, bo.userId]);
    assert.equal(Number(left!.n), 0);
    assert.ok((await live(ann, g1)).some((m) => m.userId === bo.userId), 'still in the family');
  });

  it('erases fixes past retention from tracks and the log, and never reuses a seq', async () => {
    assert.equal((await post(ann, { fixes: [0, 1, 2].map((i) => ({ lat: 52, lon: 13 + i / 1000, timestamp: iso(Date.now() - 3000 + i * 1000) })) })).accepted, 3);
    // The service runs retention once 5 s after it starts, on the same clock: let that pass first.
    await sleep(Math.max(0, started + 5500 - Date.now()));
    const head = await h.location.events.head();
    const sampledBefore = (await h.location.events.read(0, 100_000)).filter((e) => e.type === 'location.sampled');
    assert.equal(sampledBefore.at(-1)?.seq, head, 'the newest event is a fix, so erasing it leaves a hole at the head');
    offset = 31 * DAY;
    const settings = readSettings(h.config);
    assert.equal(await eraseExpired(h.location.db, h.location.events, clock() - settings.retentionMs), sampledBefore.length);
    const horizon = iso(clock() - 30 * DAY);
    const log = await h.location.events.read(0, 100_000);
    assert.deepEqual(log.filter((e) => e.type === 'location.sampled' && e.at < horizon), []);
    assert.ok(log.some((e) => e.type === 'state.history_erased'), 'other events stay');
    assert.deepEqual(await points(ann, g1, ann), []);
    assert.deepEqual(await points(di, g3, di), []);
    const now = await post(ann, { lat: 52.1, lon: 13.1, timestamp: iso(clock()) });
    assert.equal(now.accepted, 1);
    const fresh = (await scopeLog(g1, ann)).filter((e) => e.type === 'location.sampled');
    assert.equal(fresh.length, 1);
    assert.ok(fresh[0]!.seq > head, `seq ${fresh[0]!.seq} after the erased head ${head}`);
    const got = await points(ann, g1, ann);
    assert.deepEqual(got.map((p) => p.lat), [52.1]);
  });
});
