/**
 * Location events on the real-time stream, through the real gateway and location service:
 * one member posts fixes over HTTP, the other over the WebSocket, and each sees the
 * other's `location.sampled` on the WebSocket and on SSE; an SOS, entering a place and a
 * journey arrive as `sos.*`, `place.*` and `journey.*`. Only content and order are
 * asserted: each connection gets the service's events in commit order, SSE and WebSocket
 * alike.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SseClient, type Frame } from '../support/sse-client.ts';
import { WsClient, type Msg } from '../support/ws-client.ts';
import { call } from '../support/http.ts';
import { joinGroup, makeGroup, signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

const T0 = Date.now() - 10 * 60_000;
let tick = 0;
const stamp = (): string => new Date(T0 + ++tick * 1000).toISOString();
const fix = (lat: number, lon: number) => ({ lat, lon, timestamp: stamp(), accuracy: 10 });

/** What arrives for one user: everything the WebSocket sent (in order) and the SSE frames. */
interface Ear {
  user: User;
  ws: WsClient;
  sse: SseClient;
  /** Every WebSocket message, never taken away. */
  log: Msg[];
}

type Ev = { type: string; seq: number; at: string; data: any };
const ev = (m: Msg): Ev => m.event as Ev;
const isLocation = (type: string) => /^(location|state|journey|sos|place)\./.test(type);

/** The next WebSocket event of `type` matching `pred`, taken from the inbox. */
const wsEvent = (e: Ear, type: string, pred: (d: any) => boolean = () => true) => e.ws.take((m) => m.type === 'event' && ev(m).type === type && pred(ev(m).data));
/** The SSE frame of `type` matching `pred` (frames stay where they are). */
const sseEvent = (e: Ear, type: string, pred: (d: any) => boolean = () => true) =>
  waitFor(`${type} on ${e.user.name}'s SSE`, () => e.sse.frames.find((f) => f.event === type && pred(JSON.parse(f.data!).event.data)), 3000) as Promise<Frame>;

describe('location: events on the stream', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('loc-stream');
  let h: InProcessHearth;
  let ann: Ear, bo: Ear;
  let group: string;

  async function ear(user: User): Promise<Ear> {
    const ws = await WsClient.open(`${h.url.replace(/^http/, 'ws')}/v1/stream`, user.token);
    const log: Msg[] = [];
    ws.socket.on('message', (d) => log.push(JSON.parse(String(d)) as Msg));
    const sse = await SseClient.open(`${h.url}/v1/events`, { authorization: `Bearer ${user.token}` });
    const ready = await ws.take((m) => m.type === 'ready');
    assert.deepEqual(ready.groups, [group]);
    assert.deepEqual(JSON.parse((await sse.take((f) => f.event === 'ready')).data!).groups, [group]);
    return { user, ws, sse, log };
  }

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    const [a, b] = await Promise.all([signUp(h, 'Ann'), signUp(h, 'Bo')]);
    group = await makeGroup(h, a, 'Family');
    await joinGroup(h, group, a, b);
    for (const u of [a, b]) await waitFor(`${u.name} known to location`, async () => (await call(h, 'GET', `/v1/groups/${group}/live`, { token: u.token })).status === 200);
    [ann, bo] = [await ear(a), await ear(b)];
  });
  after(async () => {
    for (const e of [ann, bo]) {
      e?.sse.close();
      await e?.ws.close();
    }
    await h?.stop();
  });

  it('shows each member the other\u2019s fixes, sent over HTTP and over the WebSocket, on both transports', async () => {
    const posted = await call(h, 'POST', '/v1/locations', { token: ann.user.token, body: { fixes: [fix(50.1, 7.1), fix(50.2, 7.2), fix(50.3, 7.3)] } });
    assert.equal(posted.status, 200, posted.text);
    assert.deepEqual(posted.body, { accepted: 3, duplicates: 0, expired: 0, groups: [group] });
    const boFixes = [fix(51.1, 8.1), fix(51.2, 8.2)];
    bo.ws.send({ type: 'location', id: 'b1', fixes: boFixes });
    assert.deepEqual(await bo.ws.take((m) => m.type === 'ack'), { type: 'ack', id: 'b1', accepted: 2, duplicates: 0, expired: 0 });

    for (const [to, from, lats] of [[bo, ann, [50.1, 50.2, 50.3]], [ann, bo, [51.1, 51.2]]] as const) {
      const seen: Msg[] = [];
      for (const lat of lats) seen.push(await wsEvent(to, 'location.sampled', (d) => d.userId === from.user.userId && d.fix.lat === lat));
      for (const m of seen) {
        assert.deepEqual(Object.keys(m).sort(), ['event', 'groupId', 'id', 'type']);
        assert.deepEqual(Object.keys(ev(m)).sort(), ['at', 'data', 'id', 'seq', 'type']);
        assert.equal(m.groupId, group);
        assert.equal(ev(m).data.groupId, group);
        assert.equal(ev(m).data.state, 'active');
        assert.equal(ev(m).data.fix.device, 'default');
      }
      assert.deepEqual(seen.map((m) => ev(m).data.fix.lat), lats, 'in fix-time order');
      const seqs = seen.map((m) => ev(m).seq);
      assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
      for (const m of seen) {
        const frame = await sseEvent(to, 'location.sampled', (d) => d.userId === from.user.userId && d.fix.lat === ev(m).data.fix.lat);
        assert.equal(frame.id, m.id);
        assert.deepEqual(JSON.parse(frame.data!), { id: m.id, groupId: group, event: m.event });
      }
    }

    // The same fixes again: acknowledged as duplicates, and no event for them.
    bo.ws.send({ type: 'location', id: 'b2', fixes: boFixes });
    assert.deepEqual(await bo.ws.take((m) => m.type === 'ack'), { type: 'ack', id: 'b2', accepted: 0, duplicates: 2, expired: 0 });
    assert.equal((await call(h, 'POST', '/v1/locations', { token: ann.user.token, body: fix(50.4, 7.4) })).status, 200);
    await wsEvent(ann, 'location.sampled', (d) => d.fix.lat === 50.4);
    assert.deepEqual(ann.ws.inbox.filter((m) => m.type === 'event' && ev(m).data?.userId === bo.user.userId), []);
  });

  it('delivers an SOS being raised and cleared', async () => {
    const raised = await call(h, 'POST', `/v1/groups/${group}/sos`, { token: bo.user.token, body: { lat: 51.5, lon: 8.5 } });
    assert.equal(raised.status, 201, raised.text);
    assert.equal((await call(h, 'DELETE', `/v1/groups/${group}/sos`, { token: bo.user.token })).status, 200);
    const up = await wsEvent(ann, 'sos.raised');
    assert.deepEqual(ev(up).data, { groupId: group, userId: bo.user.userId, state: 'sos', lat: 51.5, lon: 8.5 });
    const down = await wsEvent(ann, 'sos.cleared');
    assert.equal(ev(down).data.userId, bo.user.userId);
    assert.notEqual(ev(down).data.state, 'sos');
    assert.ok(ev(down).seq > ev(up).seq);
    await wsEvent(bo, 'sos.raised', (d) => d.userId === bo.user.userId);
    assert.equal(JSON.parse((await sseEvent(ann, 'sos.raised')).data!).id, up.id);
    await sseEvent(ann, 'sos.cleared');
  });

  it('delivers a new place, and a member entering it after the fix that put them there', async () => {
    const created = await call(h, 'POST', `/v1/groups/${group}/places`, { token: ann.user.token, body: { name: 'School', lat: 50.9, lon: 7.0, radius: 200 } });
    assert.equal(created.status, 201, created.text);
    const added = await wsEvent(bo, 'place.added');
    assert.equal(ev(added).data.place.name, 'School');
    assert.equal(added.groupId, group);

    bo.ws.send({ type: 'location', id: 'school', fixes: [fix(50.9, 7.0)] });
    assert.equal((await bo.ws.take((m) => m.type === 'ack')).accepted, 1);
    const sampled = await wsEvent(ann, 'location.sampled', (d) => d.userId === bo.user.userId && d.fix.lat === 50.9);
    const entered = await wsEvent(ann, 'place.entered', (d) => d.userId === bo.user.userId);
    assert.deepEqual(ev(entered).data, { groupId: group, userId: bo.user.userId, state: 'active', placeId: created.body.id, name: 'School' });
    assert.ok(ev(entered).seq > ev(sampled).seq);
    assert.ok(ann.log.findIndex((m) => m.id === entered.id) > ann.log.findIndex((m) => m.id === sampled.id), 'the fix arrives before the entry');
    await sseEvent(ann, 'place.entered');
    await sseEvent(bo, 'place.entered');
  });

  it('delivers a journey starting and reaching its destination', async () => {
    const destination = { name: 'Lake', lat: 50.95, lon: 7.05 };
    const expectedArrival = new Date(Date.now() + 3_600_000).toISOString();
    const started = await call(h, 'POST', `/v1/groups/${group}/journey`, { token: bo.user.token, body: { mode: 'cycling', destination, expectedArrival } });
    assert.equal(started.status, 201, started.text);
    assert.equal(started.body.state, 'routing');
    const routing = await wsEvent(ann, 'journey.routing_started');
    assert.deepEqual(ev(routing).data, { groupId: group, userId: bo.user.userId, state: 'routing', mode: 'cycling', destination, expectedArrival });
    assert.equal(JSON.parse((await sseEvent(ann, 'journey.routing_started')).data!).id, routing.id);

    assert.equal((await call(h, 'POST', '/v1/locations', { token: bo.user.token, body: fix(50.95, 7.05) })).status, 200);
    const order = ['location.sampled', 'place.left', 'journey.destination_reached'];
    const got = [];
    for (const type of order) got.push(await wsEvent(ann, type, (d) => d.userId === bo.user.userId));
    assert.deepEqual(got.map((m) => ev(m).data.state), ['routing', 'routing', 'active']);
    assert.deepEqual(ev(got[2]!).data.destination, destination);
    const seqs = got.map((m) => ev(m).seq);
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
    await sseEvent(ann, 'journey.destination_reached');
  });

  it('gives every connection the service\u2019s events in commit order, the same on SSE as on the WebSocket', async () => {
    for (const e of [ann, bo]) {
      const ws = e.log.filter((m) => m.type === 'event' && isLocation(ev(m).type));
      assert.ok(ws.length >= 15, `${e.user.name} got ${ws.length} location events`);
      const seqs = ws.map((m) => ev(m).seq);
      assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), `${e.user.name}'s WebSocket order`);
      assert.equal(new Set(seqs).size, seqs.length, 'each event once');
      const last = ws.at(-1)!.id;
      await waitFor(`${e.user.name}'s SSE to catch up`, () => e.sse.frames.some((f) => f.id === last));
      const sse = e.sse.frames.filter((f) => f.event && isLocation(f.event)).map((f) => f.id);
      assert.deepEqual(sse, ws.map((m) => m.id), `${e.user.name}'s SSE carries the same events in the same order`);
    }
  });
});
