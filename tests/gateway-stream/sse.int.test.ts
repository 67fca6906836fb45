/**
 * Server-Sent Events at `/v1/events`: bearer-only auth (401 problem+json otherwise), one
 * frame per event with its UUIDv7 id and type, `Last-Event-ID` replay from the bounded
 * buffer and `event: reset` beyond it, heartbeats on both transports, and the end of a
 * stream whose token expires.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from './harness.ts';
import { SseClient } from '../support/sse-client.ts';
import { WsClient } from '../support/ws-client.ts';

/** The event's own id inside an SSE frame (its `id:` is the resume cursor). */
const eventId = (f: { data?: string }): string => JSON.parse(f.data!).event.id;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('SSE stream', { timeout: 60_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ bufferSize: 16, heartbeatMs: 150 });
    h.join('ann', 'A');
    h.join('ann', 'A2');
  });
  after(() => h.close());

  for (const [name, headers] of [
    ['no Authorization header', async () => ({})],
    ['a Basic scheme', async () => ({ authorization: 'Basic YW5uOnB3' })],
    ['a garbage token', async () => bearer('garbage')],
    ['an expired token', async () => bearer(await h.token('ann', { ttlS: -10 }))],
    ['a token signed with another key', async () => bearer(await h.token('ann', { foreignKey: true }))],
  ] as const) {
    it(`answers 401 problem+json for ${name}`, async () => {
      const res = await fetch(`${h.http}/v1/events`, { headers: await headers() });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
      const body = (await res.json()) as { status: number; code: string };
      assert.equal(body.status, 401);
    });
  }

  it('does not take the token from the query string', async () => {
    const res = await fetch(`${h.http}/v1/events?access_token=${await h.token('ann')}`);
    assert.equal(res.status, 401);
    await res.body?.cancel();
  });

  it('sends each event with its id, type and JSON data', async () => {
    const sse = await SseClient.open(`${h.http}/v1/events`, bearer(await h.token('ann')));
    assert.match(sse.response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const ready = JSON.parse((await sse.event('ready')).data!);
    assert.deepEqual([...ready.groups].sort(), ['A', 'A2']);
    const sent = h.emit('A', 'group.member_joined', { userId: 'bob', displayName: 'Bob', role: 'member' });
    const f = await sse.event('group.member_joined');
    assert.equal(f.id, h.cursorAfter(sent), 'the id is the resume cursor');
    assert.deepEqual(JSON.parse(f.data!), { id: f.id, groupId: 'A', event: { id: sent.id, type: sent.type, seq: sent.seq, at: sent.at, data: sent.data } });
    sse.close();
  });

  it('replays what was missed after Last-Event-ID, only of the user\'s groups, then goes live', async () => {
    const first = await SseClient.open(`${h.http}/v1/events`, bearer(await h.token('ann')));
    await first.event('ready');
    h.emit('A', 'group.renamed', { name: 'one' });
    const seen = await first.event('group.renamed');
    first.close();
    await first.ended;
    const missed = [h.emit('A2', 'group.renamed', { name: 'two' }), h.emit('A', 'group.renamed', { name: 'three' })];
    h.emit('Z', 'group.renamed', { name: 'not yours' });
    const again = await SseClient.open(`${h.http}/v1/events`, { ...bearer(await h.token('ann')), 'last-event-id': seen.id! });
    await again.event('ready');
    const replayed = [await again.event('group.renamed'), await again.event('group.renamed')];
    assert.deepEqual(replayed.map(eventId), missed.map((e) => e.id));
    assert.deepEqual(replayed.map((f) => f.id), missed.map((e) => h.cursorAfter(e)));
    const live = h.emit('A', 'group.renamed', { name: 'four' });
    assert.equal(eventId(await again.event('group.renamed')), live.id);
    assert.equal(again.frames.some((f) => f.data?.includes('not yours')), false);
    again.close();
  });

  it('sends event: reset when Last-Event-ID is further behind than the replay bound', async () => {
    const oldest = h.emit('A', 'group.renamed', { name: 'old' });
    for (let i = 0; i < 17; i++) h.emit('A', 'group.renamed', { name: `n${i}` });
    const sse = await SseClient.open(`${h.http}/v1/events`, { ...bearer(await h.token('ann')), 'last-event-id': h.cursorAfter(oldest) });
    await sse.event('ready');
    assert.equal(JSON.parse((await sse.event('reset')).data!).reason, 'last_event_id_unknown');
    assert.equal(sse.frames.some((f) => f.event === 'group.renamed'), false, 'no partial replay with a gap');
    sse.close();
  });

  it('replays a full buffer\'s worth at once over both transports and keeps the streams', async () => {
    const mark = h.emit('A', 'group.renamed', { name: 'mark' });
    const missed = Array.from({ length: 16 }, (_, i) => h.emit(i % 2 ? 'A' : 'A2', 'group.renamed', { name: `m${i}` }));
    const sse = await SseClient.open(`${h.http}/v1/events`, { ...bearer(await h.token('ann')), 'last-event-id': h.cursorAfter(mark) });
    const ws = await WsClient.open(`${h.ws}/v1/stream`, await h.token('ann'), { 'last-event-id': h.cursorAfter(mark) });
    for (const e of missed) {
      assert.equal(eventId(await sse.event('group.renamed')), e.id);
      assert.equal((await ws.event('group.renamed')).id, h.cursorAfter(e));
    }
    const live = h.emit('A', 'group.renamed', { name: 'live' });
    assert.equal(eventId(await sse.event('group.renamed')), live.id);
    assert.equal(((await ws.event('group.renamed')).event as { id: string }).id, live.id);
    sse.close();
    await ws.close();
  });

  it('sends a reset rather than a replay longer than the buffer bound', async () => {
    const mark = h.emit('A', 'group.renamed', { name: 'mark' });
    for (let i = 0; i < 17; i++) h.emit(i % 2 ? 'A' : 'A2', 'group.renamed', { name: `m${i}` });
    const sse = await SseClient.open(`${h.http}/v1/events`, { ...bearer(await h.token('ann')), 'last-event-id': h.cursorAfter(mark) });
    await sse.event('reset');
    assert.equal(sse.frames.some((f) => f.event === 'group.renamed'), false);
    sse.close();
  });

  it('sends event: reset for an id that is not a cursor (an event id, as before #19)', async () => {
    const sse = await SseClient.open(`${h.http}/v1/events`, { ...bearer(await h.token('ann')), 'last-event-id': '0190f5b2-7c3a-7e0b-9c1d-4f2a8b6e1d90' });
    await sse.event('reset');
    sse.close();
  });

  it('replays over the WebSocket too when the auth message carries lastEventId', async () => {
    const mark = h.emit('A', 'group.renamed', { name: 'mark' });
    const next = h.emit('A', 'group.renamed', { name: 'next' });
    const ws = await WsClient.open(`${h.ws}/v1/stream`);
    ws.send({ type: 'auth', token: await h.token('ann'), lastEventId: h.cursorAfter(mark) });
    await ws.take((m) => m.type === 'ready');
    assert.equal((await ws.event('group.renamed')).id, h.cursorAfter(next));
    await ws.close();
  });

  it('sends heartbeat comments on SSE and ping messages on the WebSocket', async () => {
    const sse = await SseClient.open(`${h.http}/v1/events`, bearer(await h.token('ann')));
    const ws = await WsClient.open(`${h.ws}/v1/stream`, await h.token('ann'));
    await sse.take((f) => f.comment === 'ping', 1000);
    await sse.take((f) => f.comment === 'ping', 1000);
    await ws.take((m) => m.type === 'ping', 1000);
    await ws.take((m) => m.type === 'ping', 1000);
    sse.close();
    await ws.close();
  });

  it('ends an SSE stream when its token expires', async () => {
    const sse = await SseClient.open(`${h.http}/v1/events`, bearer(await h.token('ann', { ttlS: 2 })));
    const end = await sse.event('end', 3500);
    assert.equal(JSON.parse(end.data!).reason, 'token_expired');
    await sse.ended;
  });
});
