/**
 * Which events reach whom, over WebSocket and SSE alike: a user sees their groups' events
 * and never another group's; joining starts the flow, leaving or removal stops it (the
 * event about themselves still arrives); deletion reaches the members; revocation and
 * `openStreams` are observed from the outside.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from './harness.ts';
import { sleep } from '../support/poll.ts';
import { SseClient } from '../support/sse-client.ts';
import { WsClient } from '../support/ws-client.ts';

const typeOf = (m: Record<string, unknown>): string => (m.event as { type: string }).type;

describe('group filtering on the stream', { timeout: 60_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('never gives a user of group A the events of group B', async () => {
    h.join('ann', 'A');
    h.join('bob', 'B');
    const ann = await WsClient.open(`${h.ws}/v1/stream`, await h.token('ann'));
    const bob = await WsClient.open(`${h.ws}/v1/stream`, await h.token('bob'));
    const annSse = await SseClient.open(`${h.http}/v1/events`, { authorization: `Bearer ${await h.token('ann')}` });
    await Promise.all([ann.take((m) => m.type === 'ready'), bob.take((m) => m.type === 'ready'), annSse.event('ready')]);
    h.emit('B', 'group.renamed', { name: 'secret' });
    h.emit('B', 'group.member_joined', { userId: 'bob2', displayName: 'Bob 2', role: 'member' });
    h.emit('A', 'group.renamed', { name: 'marker' });
    // Per-connection order is kept, so a leaked B event would arrive before A's marker.
    await ann.event('group.renamed', 'A');
    await annSse.event('group.renamed');
    await bob.event('group.member_joined', 'B');
    assert.deepEqual(ann.events(), []);
    assert.equal(annSse.frames.some((f) => f.data?.includes('secret') || f.data?.includes('"B"')), false);
    assert.equal(bob.events().length, 1);
    assert.equal(typeOf(bob.events()[0]!), 'group.renamed');
    await Promise.all([ann.close(), bob.close()]);
    annSse.close();
  });

  it('starts delivering a group\'s events when the user joins it, and stops when they leave', async () => {
    h.join('cat', 'C1');
    const cat = await WsClient.open(`${h.ws}/v1/stream`, await h.token('cat'));
    await cat.take((m) => m.type === 'ready');
    h.emit('C2', 'group.renamed', { name: 'before joining' });
    h.join('cat', 'C2');
    h.emit('C2', 'group.member_joined', { userId: 'cat', displayName: 'Cat', role: 'member' });
    h.emit('C2', 'group.renamed', { name: 'after joining' });
    const joined = await cat.event('group.member_joined', 'C2');
    assert.equal((joined.event as { data: { userId: string } }).data.userId, 'cat');
    const renamed = await cat.event('group.renamed', 'C2');
    assert.equal((renamed.event as { data: { name: string } }).data.name, 'after joining');

    h.leave('cat', 'C2');
    h.emit('C2', 'group.member_left', { userId: 'cat' });
    h.emit('C2', 'group.renamed', { name: 'after leaving' });
    h.emit('C1', 'group.renamed', { name: 'marker' });
    const left = await cat.event('group.member_left', 'C2');
    assert.equal((left.event as { data: { userId: string } }).data.userId, 'cat');
    await cat.event('group.renamed', 'C1');
    assert.deepEqual(cat.events(), [], 'nothing of C2 after leaving, nothing before joining');
    await cat.close();
  });

  it('tells a removed member about their removal and nothing after it', async () => {
    h.join('dan', 'D');
    h.join('eve', 'D');
    const dan = await WsClient.open(`${h.ws}/v1/stream`, await h.token('dan'));
    const eve = await WsClient.open(`${h.ws}/v1/stream`, await h.token('eve'));
    await Promise.all([dan.take((m) => m.type === 'ready'), eve.take((m) => m.type === 'ready')]);
    h.leave('dan', 'D');
    h.emit('D', 'group.member_removed', { userId: 'dan', by: 'eve' });
    h.emit('D', 'group.member_role_changed', { userId: 'eve', role: 'owner' });
    await eve.event('group.member_removed', 'D');
    await eve.event('group.member_role_changed', 'D');
    await dan.event('group.member_removed', 'D');
    await sleep(100);
    assert.deepEqual(dan.events(), []);
    await Promise.all([dan.close(), eve.close()]);
  });

  it('does not deliver someone else\'s removal from a group the user is not in', async () => {
    h.join('fay', 'F');
    const fay = await WsClient.open(`${h.ws}/v1/stream`, await h.token('fay'));
    await fay.take((m) => m.type === 'ready');
    h.emit('G', 'group.member_removed', { userId: 'gus', by: 'hal' });
    h.emit('G', 'group.member_left', { userId: 'hal' });
    h.emit('F', 'group.renamed', { name: 'marker' });
    await fay.event('group.renamed', 'F');
    assert.deepEqual(fay.events(), []);
    await fay.close();
  });

  it('delivers a group\'s deletion to its members only', async () => {
    h.join('ivy', 'H');
    h.join('jon', 'J');
    const ivy = await WsClient.open(`${h.ws}/v1/stream`, await h.token('ivy'));
    const jon = await WsClient.open(`${h.ws}/v1/stream`, await h.token('jon'));
    await Promise.all([ivy.take((m) => m.type === 'ready'), jon.take((m) => m.type === 'ready')]);
    h.leave('ivy', 'H');
    h.emit('H', 'group.deleted');
    h.emit('J', 'group.renamed', { name: 'marker' });
    await ivy.event('group.deleted', 'H');
    await jon.event('group.renamed', 'J');
    assert.deepEqual(jon.events(), []);
    await Promise.all([ivy.close(), jon.close()]);
  });

  it('counts open streams of both kinds and ends a revoked session\'s streams', async () => {
    const before = h.stream.openStreams();
    h.join('kim', 'K');
    const ws = await WsClient.open(`${h.ws}/v1/stream`, await h.token('kim', { sid: 's-kim' }));
    await ws.take((m) => m.type === 'ready');
    const sse = await SseClient.open(`${h.http}/v1/events`, { authorization: `Bearer ${await h.token('kim', { sid: 's-kim' })}` });
    await sse.event('ready');
    const pending = await WsClient.open(`${h.ws}/v1/stream`); // not authenticated: not counted
    assert.equal(h.stream.openStreams(), before + 2);
    assert.equal(h.stream.disconnect({ sessionId: 's-kim' }), 2);
    assert.equal((await ws.closed).code, 4401);
    assert.equal(JSON.parse((await sse.event('end')).data!).reason, 'revoked');
    await sse.ended;
    assert.equal(h.stream.openStreams(), before);
    await pending.close();
  });
});
