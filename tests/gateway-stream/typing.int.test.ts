/**
 * Typing indicators through the real gateway, users and chat services on a real broker:
 * who gets them (the group's other members, over WebSocket and SSE; not the typist, not
 * another group, not a removed member), the gate (one per 2 s per user and group), the
 * REST route (204, 404, 401), that they are never replayed, and refusals of bad messages.
 * Then the broker leg (a signal from another gateway instance comes in, a malformed one
 * does not) and a stream mounted on its own to show that a client that stops reading
 * drops typing frames instead of being cut for them.
 */
import assert from 'node:assert/strict';
import { get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { mountStream, type StreamHandle, type TypingSignal } from '../../src/gateway/stream/index.ts';
import { decode, encode, uuidv7, type Envelope } from '../../src/kit/index.ts';
import { assertProblem, call } from '../support/http.ts';
import { makeGroup, signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { family } from '../support/family.ts';
import { SseClient } from '../support/sse-client.ts';
import { WsClient, type Msg } from '../support/ws-client.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const typings = (c: WsClient, from?: User): Msg[] => c.inbox.filter((m) => m.type === 'typing' && (!from || m.userId === from.userId));

describe('stream: typing indicators', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('stream-typing');
  let h: InProcessHearth;
  let ann: User;
  let bo: User;
  let cy: User;
  let eve: User;
  let dee: User;
  let group: string;
  let other: string;
  const open: Array<WsClient | SseClient> = [];
  const ws = async (u: User, headers: Record<string, string> = {}): Promise<WsClient> => {
    const c = await WsClient.open(h.url.replace('http', 'ws') + '/v1/stream', u.token, headers);
    open.push(c);
    await c.take((m) => m.type === 'ready');
    return c;
  };
  const sse = async (u: User, headers: Record<string, string> = {}): Promise<SseClient> => {
    const c = await SseClient.open(`${h.url}/v1/events`, { authorization: `Bearer ${u.token}`, ...headers });
    open.push(c);
    await c.event('ready');
    return c;
  };
  const typeRest = (u: User | undefined, groupId: string) => call(h, 'POST', `/v1/groups/${groupId}/typing`, u ? { token: u.token } : {});
  const say = async (u: User, text: string): Promise<void> => {
    const r = await call(h, 'POST', `/v1/groups/${group}/messages`, { token: u.token, body: { text, txnId: uuidv7() } });
    assert.equal(r.status, 201, r.text);
  };

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    ({ users: [ann, bo, cy, eve], group } = await family(h, ['Ann', 'Bo', 'Cy', 'Eve']));
    dee = await signUp(h, 'Dee');
    other = await makeGroup(h, dee, 'Elsewhere');
  });
  after(async () => {
    for (const c of open) c instanceof WsClient ? await c.close() : c.close();
    await h?.stop();
  });

  it('reaches the other members on WebSocket and SSE, not the typist, another group or a removed member', async () => {
    const eveWs = await ws(eve);
    const removed = await call(h, 'DELETE', `/v1/groups/${group}/members/${eve.userId}`, { token: ann.token });
    assert.equal(removed.status, 204, removed.text);
    await eveWs.event('group.member_removed', group);
    const [annWs, boWs, cySse, deeWs] = [await ws(ann), await ws(bo), await sse(cy), await ws(dee)];

    annWs.send({ type: 'typing', groupId: group });
    const seen = await boWs.take((m) => m.type === 'typing');
    assert.deepEqual(Object.keys(seen).sort(), ['at', 'groupId', 'name', 'type', 'userId']);
    assert.equal(seen.groupId, group);
    assert.equal(seen.userId, ann.userId);
    assert.ok(seen.name === null || seen.name === 'Ann', `name ${String(seen.name)}`);
    assert.ok(Math.abs(Date.parse(String(seen.at)) - Date.now()) < 5000, `at ${String(seen.at)}`);
    const frame = await cySse.event('typing');
    assert.equal(frame.id, undefined, 'a typing frame has no id: it must not move Last-Event-ID');
    const { type: _type, ...data } = seen;
    assert.deepEqual(JSON.parse(frame.data!), data);

    // One signal is fanned out to every stream in one go: had they been meant to get it, they would have by now.
    await sleep(300);
    assert.deepEqual(typings(annWs), [], 'not the typist');
    assert.deepEqual(typings(deeWs), [], 'not a member of another group');
    assert.deepEqual(typings(eveWs), [], 'not a removed member');
  });

  it('lets at most one indicator per 2 s out of ten sent in one second', async () => {
    const [annWs, boWs] = [await ws(ann), await ws(bo)];
    const first = Date.now();
    for (let i = 0; i < 10; i++) {
      boWs.send({ type: 'typing', groupId: group });
      await sleep(100);
    }
    await annWs.take((m) => m.type === 'typing' && m.userId === bo.userId);
    await sleep(Math.max(0, first + 1500 - Date.now()));
    assert.equal(typings(annWs, bo).length, 0, 'only one of the ten went out');
    await sleep(Math.max(0, first + 2050 - Date.now()));
    boWs.send({ type: 'typing', groupId: group });
    await annWs.take((m) => m.type === 'typing' && m.userId === bo.userId);
    assert.equal(typings(boWs).length, 0, 'not even one back to the typist');
  });

  it('takes POST /v1/groups/{groupId}/typing from members (204), and refuses others', async () => {
    const annWs = await ws(ann);
    const sent = await typeRest(cy, group);
    assert.equal(sent.status, 204, sent.text);
    assert.equal(sent.text, '');
    const seen = await annWs.take((m) => m.type === 'typing');
    assert.equal(seen.userId, cy.userId);
    const coalesced = await typeRest(cy, group);
    assert.equal(coalesced.status, 204, 'a coalesced indicator is still 204');
    assertProblem(await typeRest(dee, group), 404, 'membership.not_a_member');
    assertProblem(await typeRest(eve, group), 404, 'membership.not_a_member');
    assertProblem(await typeRest(ann, '01900000-0000-7000-8000-000000000000'), 404, 'membership.not_a_member');
    assertProblem(await typeRest(undefined, group), 401);
    assertProblem(await typeRest(ann, 'family'), 400, 'gateway.invalid_request');
    await sleep(300);
    assert.deepEqual(typings(annWs), [], 'the coalesced one did not go out');
  });

  it('never puts an indicator into the replay: a reconnect with Last-Event-ID gets the events, no typing', async () => {
    const cyWs = await ws(cy);
    const boWs = await ws(bo);
    await say(ann, 'before');
    const before = await boWs.event('message.sent', group);
    await boWs.close();
    await sleep(2100); // Ann's gate from the earlier tests is open again
    assert.equal((await typeRest(ann, group)).status, 204);
    await cyWs.take((m) => m.type === 'typing' && m.userId === ann.userId); // it did go out, live
    await say(ann, 'after');
    await cyWs.event('message.sent', group);

    const again = await ws(bo, { 'last-event-id': String(before.id) });
    const replayed = await again.event('message.sent', group);
    assert.equal((replayed.event as { data: { message: { text: string } } }).data.message.text, 'after');
    const sseAgain = await sse(bo, { 'last-event-id': String(before.id) });
    await sseAgain.event('message.sent');
    await sleep(200);
    assert.deepEqual(typings(again), []);
    assert.equal(sseAgain.frames.some((f) => f.event === 'typing'), false);
  });

  it('answers bad typing messages with an error frame and keeps the connection open', async () => {
    const annWs = await ws(ann);
    annWs.send({ type: 'typing' });
    assert.equal((await annWs.take((m) => m.type === 'error')).code, 'stream.bad_message');
    annWs.send({ type: 'typing', groupId: 'family' });
    const notUuid = await annWs.take((m) => m.type === 'error');
    assert.equal(notUuid.code, 'stream.bad_message');
    assert.match(String(notUuid.message), /groupId/);
    annWs.send({ type: 'typing', groupId: other });
    assert.equal((await annWs.take((m) => m.type === 'error')).code, 'membership.not_a_member');
    annWs.send({ type: 'ping' });
    await annWs.take((m) => m.type === 'pong');
    assert.equal(annWs.socket.readyState, annWs.socket.OPEN);

    const anonymous = await WsClient.open(h.url.replace('http', 'ws') + '/v1/stream');
    open.push(anonymous);
    anonymous.send({ type: 'typing', groupId: group });
    assert.equal((await anonymous.take((m) => m.type === 'error')).code, 'stream.not_authenticated');
  });

  it('publishes each indicator on evt.gateway.typing.<groupId> for the other gateway instances', async () => {
    const got: Array<{ subject: string; data: unknown }> = [];
    const sub = h.nc.subscribe('evt.gateway.typing.>', { callback: (_e, m) => void got.push({ subject: m.subject, data: decode(m.data) }) });
    await h.nc.flush();
    try {
      await sleep(2100);
      assert.equal((await typeRest(bo, group)).status, 204);
      const msg = await waitFor('the signal on the broker', () => got[0], 3000);
      assert.equal(msg.subject, `evt.gateway.typing.${group}`);
      const data = msg.data as Record<string, unknown>;
      assert.deepEqual(Object.keys(data).sort(), ['at', 'groupId', 'name', 'userId']);
      assert.equal(data.userId, bo.userId);
    } finally {
      sub.unsubscribe();
    }
  });

  it('delivers a signal another gateway instance published, and drops malformed ones', async () => {
    const [annWs, boWs] = [await ws(ann), await ws(bo)];
    const at = new Date().toISOString();
    const subject = `evt.gateway.typing.${group}`;
    for (const bad of [
      { groupId: group, userId: 'not-a-uuid', name: null, at },
      { groupId: other, userId: ann.userId, name: null, at }, // the wrong group for its subject
      { groupId: group, userId: ann.userId, at },
      'typing',
    ]) h.nc.publish(subject, encode(bad));
    h.nc.publish(subject, new TextEncoder().encode('{"not":"msgpack"'));
    h.nc.publish(subject, encode({ groupId: group, userId: ann.userId, name: 'Ann elsewhere', at }));
    const seen = await boWs.take((m) => m.type === 'typing');
    assert.equal(seen.name, 'Ann elsewhere');
    await sleep(200);
    assert.deepEqual(typings(boWs), [], 'none of the malformed ones');
    assert.deepEqual(typings(annWs), []);
  });
});

describe('stream: typing frames and slow consumers', { timeout: FILE_TIMEOUT }, () => {
  const GROUP = '01900000-0000-7000-8000-00000000000a';
  const SIGNALS = 60_000;
  const BUFFER = 16;
  let server: Server;
  let stream: StreamHandle;
  let base: string;
  let typing: (t: TypingSignal) => void = () => undefined;
  let emit: (e: { groupId: string; event: Envelope }) => void = () => undefined;
  const user = (n: number) => `01900000-0000-7000-8000-${String(n).padStart(12, '0')}`;

  before(async () => {
    const app = new Hono();
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    if (!server.listening) await new Promise((r) => server.once('listening', r));
    base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    stream = mountStream({
      app,
      server,
      // The token is the user id: this block is about buffers, not authentication.
      authenticate: async (token) => ({ userId: token, sessionId: `s-${token}` }),
      groupsOf: () => [GROUP],
      onGroupEvent: (l) => void (emit = l),
      onTyping: (l) => void (typing = l),
      bufferSize: BUFFER,
      heartbeatMs: 60_000,
    });
  });
  after(async () => {
    await stream.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('drops typing frames for clients that stop reading instead of cutting them, and still delivers events', async () => {
    const stuck = await WsClient.open(`ws://${base}/v1/stream`, user(1));
    await stuck.take((m) => m.type === 'ready');
    stuck.socket.pause();
    const res = await new Promise<IncomingMessage>((resolve, reject) => get(`http://${base}/v1/events`, { headers: { authorization: `Bearer ${user(2)}` } }, resolve).on('error', reject));
    assert.equal(res.statusCode, 200);
    res.pause();
    await waitFor('both streams open', () => stream.openStreams() === 2);

    // 60 000 signals of ~330 bytes (20 MB, more than the kernel's socket buffers hold) into a
    // bound of 16 frames: counted as events, both clients would be cut.
    const name = 'x'.repeat(200);
    for (let i = 0; i < SIGNALS; i++) {
      typing({ groupId: GROUP, userId: user(1000 + i), name, at: new Date().toISOString() });
      if (i % 100 === 0) await new Promise((r) => setImmediate(r));
    }
    assert.equal(stream.openStreams(), 2, 'nobody was cut for typing frames');
    // The typing frames still queued take no room from events: the bound minus one more fits,
    // in frames and in bytes (15 events of ~2.7 KB: 40 of the 64 KB the bound allows).
    const blob = 'y'.repeat(2500);
    for (let i = 0; i < BUFFER - 1; i++) {
      const event: Envelope = { id: uuidv7(), type: 'group.renamed', version: 1, seq: i + 1, at: new Date().toISOString(), source: 'users', stream: '', correlationId: '', causationId: '', data: { groupId: GROUP, name: `still here ${i}`, blob } };
      emit({ groupId: GROUP, event });
    }
    assert.equal(stream.openStreams(), 2, 'nobody was cut for the events either');

    stuck.socket.resume();
    let sseText = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (sseText += chunk));
    res.resume();
    await waitFor('the WebSocket client to get every event', () => stuck.events().length === BUFFER - 1, 5000);
    await waitFor('the SSE client to get every event', () => sseText.includes(`still here ${BUFFER - 2}"`), 5000);
    const wsTypings = stuck.inbox.filter((m) => m.type === 'typing').length;
    assert.ok(wsTypings < SIGNALS / 2, `the stuck WebSocket client got ${wsTypings} typing frames`);
    const sseTypings = (sseText.match(/event: typing/g) ?? []).length;
    assert.ok(sseTypings < SIGNALS / 2, `the stuck SSE client got ${sseTypings} typing frames`);
    res.destroy();
    await stuck.close();
  });
});
