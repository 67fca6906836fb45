/**
 * Bad fixes and bad parameters on the location routes and the WebSocket, through the real
 * gateway and location service: every refusal is a 4xx problem+json whose `errors` name
 * the field (`body.fixes.3.lat`), a batch with one bad fix stores nothing, a fix stamped in
 * the future fails the whole request, the stream answers `error` and stays open; and
 * afterwards the service takes a good fix and holds nothing but good fixes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WsClient } from '../support/ws-client.ts';
import { assertProblem, call, type Answer } from '../support/http.ts';
import { makeGroup, signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

const MAX_BODY = 200_000;
const T0 = Date.now() - 30 * 60_000;
let tick = 0;
/** A fix time newer than every one before it (100 ms apart: the big batches below use thousands). */
const stamp = (): string => new Date(T0 + ++tick * 100).toISOString();
const fix = (o: Record<string, unknown> = {}) => ({ lat: 52.5, lon: 13.4, timestamp: stamp(), accuracy: 10, ...o });
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
const json = { 'content-type': 'application/json' };

/** A bad request and what the answer must say. */
interface Case {
  label: string;
  body?: unknown;
  raw?: string;
  /** The field the answer names; absent for problems that are not about one field. */
  path?: string;
  status?: number;
  code?: string;
}

function assertRefused(a: Answer, c: Case): void {
  assertProblem(a, c.status ?? 400, c.code ?? 'gateway.invalid_request');
  if (c.path === undefined) return;
  assert.ok(Array.isArray(a.body.errors), `${c.label}: no errors list: ${a.text}`);
  assert.ok(a.body.errors.some((e: { path: string; message: string }) => e.path === c.path && e.message.length > 0), `${c.label}: no error at ${c.path}: ${JSON.stringify(a.body.errors)}`);
}

const FIX_CASES: Case[] = [
  { label: 'lat 91', body: fix({ lat: 91 }), path: 'body.lat' },
  { label: 'lat -91', body: fix({ lat: -91 }), path: 'body.lat' },
  { label: 'lon 181', body: fix({ lon: 181 }), path: 'body.lon' },
  { label: 'lon -180.0001', body: fix({ lon: -180.0001 }), path: 'body.lon' },
  { label: 'lat "NaN"', body: fix({ lat: 'NaN' }), path: 'body.lat' },
  { label: 'lat "12"', body: fix({ lat: '12' }), path: 'body.lat' },
  { label: 'lat null', body: fix({ lat: null }), path: 'body.lat' },
  { label: 'lat 1e400 (Infinity once parsed)', raw: `{"lat":1e400,"lon":13.4,"timestamp":"${stamp()}"}`, path: 'body.lat' },
  { label: 'lon -1e400 in a batch', raw: `{"fixes":[{"lat":1,"lon":-1e400,"timestamp":"${stamp()}"}]}`, path: 'body.fixes.0.lon' },
  { label: 'lon a string', body: fix({ lon: 'east' }), path: 'body.lon' },
  { label: 'lat an object', body: fix({ lat: { $gt: 0 } }), path: 'body.lat' },
  { label: 'no timestamp', body: { lat: 1, lon: 2 }, path: 'body.timestamp' },
  { label: 'a timestamp that is not ISO', body: fix({ timestamp: 'yesterday at noon' }), path: 'body.timestamp' },
  { label: 'a timestamp without a zone', body: fix({ timestamp: '2026-01-05T10:00:00' }), path: 'body.timestamp' },
  { label: 'a date without a time', body: fix({ timestamp: '2026-01-05' }), path: 'body.timestamp' },
  { label: 'a timestamp as epoch ms', body: fix({ timestamp: Date.now() }), path: 'body.timestamp' },
  { label: 'battery 101', body: fix({ battery: 101 }), path: 'body.battery' },
  { label: 'battery 50.5', body: fix({ battery: 50.5 }), path: 'body.battery' },
  { label: 'speed -1', body: fix({ speed: -1 }), path: 'body.speed' },
  { label: 'course 361', body: fix({ course: 361 }), path: 'body.course' },
  { label: 'accuracy -5', body: fix({ accuracy: -5 }), path: 'body.accuracy' },
  { label: 'an unknown battery state', body: fix({ batteryState: 'exploding' }), path: 'body.batteryState' },
  { label: 'a device with a space', body: fix({ device: 'my phone' }), path: 'body.device' },
  { label: 'an unknown field', body: fix({ altitudeFeet: 100 }), path: 'body.altitudeFeet' },
  { label: 'a batch of 1001 fixes', body: { fixes: Array.from({ length: 1001 }, () => fix()) }, path: 'body.fixes' },
  { label: 'an empty batch', body: { fixes: [] }, path: 'body.fixes' },
  { label: 'fixes not a list', body: { fixes: fix() }, path: 'body.fixes' },
  { label: 'a batch with one bad fix', body: { fixes: [fix(), fix(), fix(), fix({ lat: 90.5 }), fix()] }, path: 'body.fixes.3.lat' },
  { label: 'a batch with an unknown field beside it', body: { fixes: [fix()], note: 'hi' }, path: 'body.note' },
  { label: 'a bare list of fixes', body: [fix()], path: 'body.0' },
  { label: 'JSON null', body: null, path: 'body' },
  { label: 'not JSON', raw: '{"lat": 1,', code: 'gateway.invalid_json' },
];

describe('location: bad input', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('loc-bad-input');
  let h: InProcessHearth;
  let ann: User;
  let group: string;
  let placeId: string;
  const good: number[] = []; // the lat of every fix that was accepted

  const sampledEvents = async () => Number((await h.location.db.query("SELECT count(*) AS n FROM kit_events WHERE type = 'location.sampled'"))[0]!.n);
  const track = async () => {
    const r = await call(h, 'GET', `/v1/groups/${group}/members/${ann.userId}/track?from=${new Date(T0 - 60_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}&limit=10000`, { token: ann.token });
    assert.equal(r.status, 200, r.text);
    return r.body as { total: number; points: { lat: number }[] };
  };
  const postGood = async (lat: number) => {
    const r = await call(h, 'POST', '/v1/locations', { token: ann.token, body: fix({ lat }) });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { accepted: 1, duplicates: 0, expired: 0, groups: [group] });
    good.push(lat);
  };
  /** Nothing but the accepted fixes is in the track, the event log and the live view. */
  const onlyGood = async () => {
    const t = await track();
    assert.equal(t.total, good.length);
    assert.deepEqual(t.points.map((p) => p.lat), good);
    assert.equal(await sampledEvents(), good.length);
    const live = await call(h, 'GET', `/v1/groups/${group}/live`, { token: ann.token });
    assert.equal(live.body.members[0].lastFix.lat, good.at(-1));
  };

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, (c) => void (c.gateway.max_body_bytes = MAX_BODY));
    ann = await signUp(h, 'Ann');
    group = await makeGroup(h, ann, 'Family');
    await waitFor('the group in location', async () => (await call(h, 'GET', `/v1/groups/${group}/live`, { token: ann.token })).status === 200);
    await postGood(52.0001);
    const place = await call(h, 'POST', `/v1/groups/${group}/places`, { token: ann.token, body: { name: 'Home', lat: 1, lon: 1, radius: 100 } });
    assert.equal(place.status, 201, place.text);
    placeId = place.body.id;
  });
  after(() => h?.stop());

  for (const c of FIX_CASES) {
    it(`refuses ${c.label} with a problem naming ${c.path ?? c.code}`, async () => {
      const a = await call(h, 'POST', '/v1/locations', { token: ann.token, ...(c.raw !== undefined ? { raw: c.raw, headers: json } : { body: c.body }) });
      assertRefused(a, c);
    });
  }

  it('refuses a body larger than gateway.max_body_bytes with 413', async () => {
    const fixes = [];
    for (let size = 0; size <= MAX_BODY; size += JSON.stringify(fixes.at(-1) ?? {}).length + 1) fixes.push(fix({ lat: 10, timestamp: new Date(T0).toISOString() }));
    assertRefused(await call(h, 'POST', '/v1/locations', { token: ann.token, raw: JSON.stringify({ fixes }), headers: json }), { label: 'too large', status: 413, code: 'gateway.body_too_large' });
  });

  it('refuses a body that is not JSON by type with 415', async () => {
    assertRefused(await call(h, 'POST', '/v1/locations', { token: ann.token, raw: JSON.stringify(fix()), headers: { 'content-type': 'text/plain' } }), { label: 'text/plain', status: 415, code: 'gateway.unsupported_media_type' });
  });

  it('refuses a fix stamped an hour ahead, and stores none of its batch', async () => {
    const before = await sampledEvents();
    for (const body of [fix({ timestamp: inAnHour() }), { fixes: [fix({ lat: 11 }), fix({ lat: 12, timestamp: inAnHour() }), fix({ lat: 13 })] }]) {
      assertRefused(await call(h, 'POST', '/v1/locations', { token: ann.token, body }), { label: 'future', code: 'location.fix_in_future' });
    }
    assert.equal(await sampledEvents(), before);
    assert.equal((await track()).points.some((p) => [11, 12, 13].includes(p.lat)), false);
  });

  it('names the field of each refusal the location service itself decides', async () => {
    const at = inAnHour();
    const cases: [Case, () => Promise<Answer>][] = [
      [{ label: 'future fix', code: 'location.fix_in_future', path: 'body.fixes.1.timestamp' }, () => call(h, 'POST', '/v1/locations', { token: ann.token, body: { fixes: [fix(), fix({ timestamp: at })] } })],
      [{ label: 'time travel ahead', code: 'location.at_in_future', path: 'query.at' }, () => call(h, 'GET', `/v1/groups/${group}/live?at=${encodeURIComponent(at)}`, { token: ann.token })],
      [{ label: 'to before from', code: 'location.bad_range', path: 'query.to' }, () => call(h, 'GET', `/v1/groups/${group}/members/${ann.userId}/track?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`, { token: ann.token })],
      [{ label: 'arrival in the past', code: 'location.arrival_in_past', path: 'body.expectedArrival' }, () => call(h, 'POST', `/v1/groups/${group}/journey`, { token: ann.token, body: { mode: 'walking', destination: { name: 'School', lat: 1, lon: 1 }, expectedArrival: '2020-01-01T00:00:00Z' } })],
    ];
    for (const [c, ask] of cases) assertRefused(await ask(), c);
  });

  it('refuses bad parameters and bodies on the other location routes', async () => {
    const track = `/v1/groups/${group}/members/${ann.userId}/track`;
    const journey = (o: Record<string, unknown>) => ({ mode: 'walking', destination: { name: 'School', lat: 1, lon: 1 }, expectedArrival: inAnHour(), ...o });
    const cases: [string, string, Case][] = [
      ['GET', `/v1/groups/${group}/live?at=yesterday`, { label: 'at not ISO', path: 'query.at' }],
      ['GET', `/v1/groups/${group}/live?at=2026-01-01T10:00:00`, { label: 'at without a zone', path: 'query.at' }],
      ['GET', `/v1/groups/${group}/live?at=${encodeURIComponent(inAnHour())}`, { label: 'at in the future', code: 'location.at_in_future' }],
      ['GET', `/v1/groups/not-an-id/live`, { label: 'a group id that is not one', path: 'params.groupId' }],
      ['GET', `${track}?from=soon`, { label: 'from not ISO', path: 'query.from' }],
      ['GET', `${track}?limit=1`, { label: 'limit 1', path: 'query.limit' }],
      ['GET', `${track}?limit=10001`, { label: 'limit 10001', path: 'query.limit' }],
      ['GET', `${track}?limit=-5`, { label: 'limit -5', path: 'query.limit' }],
      ['GET', `${track}?format=kml`, { label: 'format kml', path: 'query.format' }],
      ['GET', `${track}?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`, { label: 'to before from', code: 'location.bad_range' }],
      ['GET', `${track}?from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`, { label: 'a range over 366 days', code: 'location.bad_range' }],
      ['GET', `/v1/groups/${group}/members/nobody/track`, { label: 'a user id that is not one', path: 'params.userId' }],
      ['DELETE', '/v1/me/location-history?groupId=nope', { label: 'a history group id that is not one', path: 'query.groupId' }],
    ];
    const bodies: [string, string, unknown, Case][] = [
      ['POST', `/v1/groups/${group}/sos`, { lat: 91, lon: 0 }, { label: 'sos lat 91', path: 'body.lat' }],
      ['POST', `/v1/groups/${group}/sos`, { lat: '1', lon: 0 }, { label: 'sos lat "1"', path: 'body.lat' }],
      ['POST', `/v1/groups/${group}/sos`, { userId: ann.userId }, { label: 'sos with a userId', path: 'body.userId' }],
      ['POST', `/v1/groups/${group}/journey`, journey({ mode: 'flying' }), { label: 'journey mode flying', path: 'body.mode' }],
      ['POST', `/v1/groups/${group}/journey`, journey({ destination: { name: 'X', lat: 1, lon: 181 } }), { label: 'journey lon 181', path: 'body.destination.lon' }],
      ['POST', `/v1/groups/${group}/journey`, journey({ destination: { name: '', lat: 1, lon: 1 } }), { label: 'journey unnamed destination', path: 'body.destination.name' }],
      ['POST', `/v1/groups/${group}/journey`, journey({ expectedArrival: '2026-01-01T10:00' }), { label: 'journey arrival without a zone', path: 'body.expectedArrival' }],
      ['POST', `/v1/groups/${group}/journey`, journey({ expectedArrival: '2020-01-01T00:00:00Z' }), { label: 'journey arrival in the past', code: 'location.arrival_in_past' }],
      ['POST', `/v1/groups/${group}/places`, { name: 'Tiny', lat: 1, lon: 1, radius: 5 }, { label: 'place radius 5', path: 'body.radius' }],
      ['POST', `/v1/groups/${group}/places`, { name: 'Huge', lat: 1, lon: 1, radius: 50_001 }, { label: 'place radius 50001', path: 'body.radius' }],
      ['POST', `/v1/groups/${group}/places`, { name: ' ', lat: 1, lon: 1, radius: 100 }, { label: 'place blank name', path: 'body.name' }],
      ['POST', `/v1/groups/${group}/places`, { name: 'X', lat: -91, lon: 1, radius: 100 }, { label: 'place lat -91', path: 'body.lat' }],
      ['PATCH', `/v1/groups/${group}/places/${placeId}`, { lon: 181 }, { label: 'place patch lon 181', path: 'body.lon' }],
      ['PATCH', `/v1/groups/${group}/places/${placeId}`, { groupId: group }, { label: 'place patch groupId', path: 'body.groupId' }],
    ];
    for (const [method, path, c] of cases) assertRefused(await call(h, method, path, { token: ann.token }), c);
    for (const [method, path, body, c] of bodies) assertRefused(await call(h, method, path, { token: ann.token, body }), c);
    assertRefused(await call(h, 'POST', `/v1/groups/${group}/places`, { token: ann.token, raw: '{"name":"Inf","lat":1e400,"lon":1,"radius":100}', headers: json }), { label: 'place lat 1e400', path: 'body.lat' });
    const places = await call(h, 'GET', `/v1/groups/${group}/places`, { token: ann.token });
    assert.deepEqual(places.body.places.map((p: { name: string; lon: number }) => [p.name, p.lon]), [['Home', 1]], 'no place was added or changed');
    const me = (await call(h, 'GET', `/v1/groups/${group}/live`, { token: ann.token })).body.members[0];
    assert.equal(me.sos, null);
    assert.equal(me.journey, null);
  });

  it('answers bad fixes on the WebSocket with error messages and keeps the stream open', async () => {
    const ws = await WsClient.open(`${h.url.replace(/^http/, 'ws')}/v1/stream`);
    try {
      ws.send({ type: 'location', id: 'early', fixes: [fix()] });
      assert.deepEqual(await ws.take((m) => m.type === 'error'), { type: 'error', code: 'stream.not_authenticated', message: 'Authenticate before sending fixes', id: 'early' });
      ws.send({ type: 'auth', token: ann.token });
      await ws.take((m) => m.type === 'ready');

      ws.send({ type: 'location', id: 'lat', fixes: [fix(), fix({ lat: 91 })] });
      const lat = await ws.take((m) => m.type === 'error');
      assert.equal(lat.code, 'stream.bad_message');
      assert.match(String(lat.message), /fixes\.1\.lat/);
      ws.send({ type: 'location', id: 'many', fixes: Array.from({ length: 51 }, () => fix()) });
      const many = await ws.take((m) => m.type === 'error');
      assert.equal(many.code, 'stream.bad_message');
      assert.match(String(many.message), /fixes/);
      ws.send({ type: 'location', id: 'extra', fixes: [fix({ userId: 'someone-else' })] });
      assert.equal((await ws.take((m) => m.type === 'error')).code, 'stream.bad_message');
      ws.send({ type: 'location', id: 'ahead', fixes: [fix({ lat: 14 }), fix({ lat: 15, timestamp: inAnHour() })] });
      assert.deepEqual(await ws.take((m) => m.type === 'error'), { type: 'error', code: 'location.fix_in_future', message: '1 fix(es) are stamped in the future; nothing was stored', id: 'ahead' });

      ws.send({ type: 'ping' });
      await ws.take((m) => m.type === 'pong');
      ws.send({ type: 'location', id: 'good', fixes: [fix({ lat: 52.0002 })] });
      assert.deepEqual(await ws.take((m) => m.type === 'ack'), { type: 'ack', id: 'good', accepted: 1, duplicates: 0, expired: 0 });
      good.push(52.0002);
      assert.equal(ws.socket.readyState, ws.socket.OPEN);
    } finally {
      await ws.close();
    }
  });

  it('closes a WebSocket that keeps sending invalid fixes (1008)', async () => {
    const ws = await WsClient.open(`${h.url.replace(/^http/, 'ws')}/v1/stream`, ann.token);
    await ws.take((m) => m.type === 'ready');
    for (let i = 0; i < 5; i++) ws.send({ type: 'location', fixes: [fix({ lon: 200 + i })] });
    assert.equal((await ws.closed).code, 1008);
    assert.equal(ws.inbox.filter((m) => m.type === 'error' && m.code === 'stream.bad_message').length, 5);
  });

  it('still takes a good fix afterwards and holds only the good ones', async () => {
    await postGood(52.0003);
    await onlyGood();
  });
});
