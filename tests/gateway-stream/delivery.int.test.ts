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
/**
 * The id named `name` (a UUID, as the users contract requires: the stream reads joins,
 * leaves and deletions through it).
 */
const u = (name: string): string => `01900000-0000-7000-8000-${Buffer.from(name).toString('hex').padStart(12, '0')}`;

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

  it('delivers a burst fanned out in one go (one corked write per watcher) whole and in order, and what comes after it', async () => {
    for (const name of ['kim', 'lee', 'max']) h.join(u(name), u('K'));
    const watchers = await Promise.all(['kim', 'lee', 'max'].map(async (name) => WsClient.open(`${h.ws}/v1/stream`, await h.token(u(name)))));
    await Promise.all(watchers.map((w) => w.take((m) => m.type === 'ready')));
    for (let i = 0; i < 50; i++) h.emit(u('K'), 'location.updated', { i });
    await new Promise((r) => setImmediate(r));
    h.emit(u('K'), 'group.renamed', { name: 'after the burst' });
    for (const w of watchers) {
      await w.event('group.renamed', u('K'));
      const got = w.events().map((m) => ((m.event as { data: { i: number } }).data.i));
      assert.deepEqual(got, Array.from({ length: 50 }, (_, i) => i));
    }
    await Promise.all(watchers.map((w) => w.close()));
  });

  it('starts delivering a group\'s events when the user joins it, and stops when they leave', async () => {
    h.join(u('cat'), u('C1'));
    const cat = await WsClient.open(`${h.ws}/v1/stream`, await h.token(u('cat')));
    await cat.take((m) => m.type === 'ready');
    h.emit(u('C2'), 'group.renamed', { name: 'before joining' });
    h.join(u('cat'), u('C2'));
    h.emit(u('C2'), 'group.member_joined', { userId: u('cat'), displayName: 'Cat', role: 'member' });
    h.emit(u('C2'), 'group.renamed', { name: 'after joining' });
    const joined = await cat.event('group.member_joined', u('C2'));
    assert.equal((joined.event as { data: { userId: string } }).data.userId, u('cat'));
    const renamed = await cat.event('group.renamed', u('C2'));
    assert.equal((renamed.event as { data: { name: string } }).data.name, 'after joining');

    h.leave(u('cat'), u('C2'));
    h.emit(u('C2'), 'group.member_left', { userId: u('cat') });
    h.emit(u('C2'), 'group.renamed', { name: 'after leaving' });
    h.emit(u('C1'), 'group.renamed', { name: 'marker' });
    const left = await cat.event('group.member_left', u('C2'));
    assert.equal((left.event as { data: { userId: string } }).data.userId, u('cat'));
    await cat.event('group.renamed', u('C1'));
    assert.deepEqual(cat.events(), [], 'nothing of C2 after leaving, nothing before joining');
    await cat.close();
  });

  it('tells a removed member about their removal and nothing after it', async () => {
    h.join(u('dan'), u('D'));
    h.join(u('eve'), u('D'));
    const dan = await WsClient.open(`${h.ws}/v1/stream`, await h.token(u('dan')));
    const eve = await WsClient.open(`${h.ws}/v1/stream`, await h.token(u('eve')));
    await Promise.all([dan.take((m) => m.type === 'ready'), eve.take((m) => m.type === 'ready')]);
    h.leave(u('dan'), u('D'));
    h.emit(u('D'), 'group.member_removed', { userId: u('dan'), by: u('eve') });
    h.emit(u('D'), 'group.member_role_changed', { userId: u('eve'), role: 'owner' });
    await eve.event('group.member_removed', u('D'));
    await eve.event('group.member_role_changed', u('D'));
    await dan.event('group.member_removed', u('D'));
    await sleep(100);
    assert.deepEqual(dan.events(), []);
    await Promise.all([dan.close(), eve.close()]);
  });

  it('does not deliver someone else\'s removal from a group the user is not in', async () => {
    h.join(u('fay'), u('F'));
    const fay = await WsClient.open(`${h.ws}/v1/stream`, await h.token(u('fay')));
    await fay.take((m) => m.type === 'ready');
    h.emit(u('G'), 'group.member_removed', { userId: u('gus'), by: u('hal') });
    h.emit(u('G'), 'group.member_left', { userId: u('hal') });
    h.emit(u('F'), 'group.renamed', { name: 'marker' });
    await fay.event('group.renamed', u('F'));
    assert.deepEqual(fay.events(), []);
    await fay.close();
  });

  it('delivers a group\'s deletion to its members only', async () => {
    h.join(u('ivy'), u('H'));
    h.join(u('jon'), u('J'));
    const ivy = await WsClient.open(`${h.ws}/v1/stream`, await h.token(u('ivy')));
    const jon = await WsClient.open(`${h.ws}/v1/stream`, await h.token(u('jon')));
    await Promise.all([ivy.take((m) => m.type === 'ready'), jon.take((m) => m.type === 'ready')]);
    h.leave(u('ivy'), u('H'));
    h.emit(u('H'), 'group.deleted');
    h.emit(u('J'), 'group.renamed', { name: 'marker' });
    await ivy.event('group.deleted', u('H'));
    await jon.event('group.renamed', u('J'));
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
