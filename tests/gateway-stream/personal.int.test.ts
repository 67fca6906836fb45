/**
 * Personal events (a user's notifications) through the real gateway and notifications
 * service on a real broker. Most notifications here are appended by the test through the
 * notifications service's own event log (the contract's event type, published by its
 * relay exactly as the service publishes its own), so that the test decides who gets what
 * and how many; one comes from the service's own rules (a member removed from a group).
 * Only the recipient's streams get them (WebSocket and SSE; in no group, or after leaving
 * the group one is about); `Last-Event-ID` replays missed ones from the service's log, and
 * never another user's; more than a connection's buffer of them is a reset.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { notifications } from '../../src/contracts/index.ts';
import { uuidv7 } from '../../src/kit/index.ts';
import { call } from '../support/http.ts';
import { signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { family } from '../support/family.ts';
import { SseClient } from '../support/sse-client.ts';
import { WsClient, type Msg } from '../support/ws-client.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const TEST = 'test: ';
type Created = { type: string; data: { userId: string; notification: { title: string; type: string; groupId: string | null } } };
const titleOf = (m: Msg): string => (m.event as Created).data.notification.title.slice(TEST.length);
const isNotification = (m: Msg): boolean => m.type === 'event' && (m.event as Created).type === 'notification.created';
/** The test's own notifications a client has received and not taken yet. */
const personal = (c: WsClient): Msg[] => c.inbox.filter((m) => isNotification(m) && (m.event as Created).data.notification.title.startsWith(TEST));

describe('stream: personal events', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('stream-personal');
  const BUFFER = 16; // the smallest gateway.stream_buffer: also the most events a replay sends
  let h: InProcessHearth;
  let ann: User;
  let bo: User;
  let cy: User;
  let group: string;
  const open: Array<WsClient | SseClient> = [];
  const owner = new Map<WsClient | SseClient, User>();
  const ws = async (u: User, headers: Record<string, string> = {}): Promise<WsClient> => {
    const c = await WsClient.open(h.url.replace('http', 'ws') + '/v1/stream', u.token, headers);
    open.push(c);
    owner.set(c, u);
    await c.take((m) => m.type === 'ready');
    return c;
  };
  const sse = async (u: User, headers: Record<string, string> = {}): Promise<SseClient> => {
    const c = await SseClient.open(`${h.url}/v1/events`, { authorization: `Bearer ${u.token}`, ...headers });
    open.push(c);
    owner.set(c, u);
    await c.event('ready');
    return c;
  };
  /** Appends `notification.created` for `u` to the notifications service's log; its relay publishes it. */
  const notify = async (u: User, title: string, groupId: string | null = null): Promise<string> => {
    const svc = h.notifications;
    const notification: notifications.Notification = {
      id: uuidv7(),
      type: 'member_joined',
      priority: 'low',
      groupId,
      title: TEST + title,
      body: '',
      actorId: null,
      refs: {},
      quiet: false,
      createdAt: new Date().toISOString(),
      readAt: null,
    };
    const e = await svc.db.write((tx) => svc.events.append(tx, notifications.NotificationCreated, { userId: u.userId, notification }, { stream: notifications.inboxStream(u.userId) }));
    return e.id;
  };
  const mine = (title: string) => (m: Msg) => isNotification(m) && titleOf(m) === title;

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, (c) => void (c.gateway.stream_buffer = BUFFER));
    ({ users: [ann, bo], group } = await family(h, ['Ann', 'Bo']));
    cy = await signUp(h, 'Cy'); // in no group at all
  });
  // Whatever else happened, every personal event any stream got was its own user's (the service's own notifications included).
  afterEach(() => {
    for (const [c, u] of owner) {
      const got = c instanceof WsClient ? c.inbox.filter(isNotification).map((m) => (m.event as Created).data.userId) : c.frames.filter((f) => f.event?.startsWith('notification.')).map((f) => JSON.parse(f.data!).event.data.userId);
      for (const userId of got) assert.equal(userId, u.userId, `${u.name}'s stream got another user's notification`);
    }
  });
  after(async () => {
    for (const c of open) c instanceof WsClient ? await c.close() : c.close();
    await h?.stop();
  });

  it('reaches the recipient\'s WebSocket and SSE streams only, framed with groupId null', async () => {
    const [annWs, annSse, boWs, cyWs] = [await ws(ann), await sse(ann), await ws(bo), await ws(cy)];
    const id = await notify(ann, 'for Ann', group);
    const got = await annWs.take(mine('for Ann'));
    assert.deepEqual(Object.keys(got).sort(), ['event', 'groupId', 'id', 'type']);
    assert.match(String(got.id), /^c1\./, 'the frame\'s id is the resume cursor');
    assert.equal(got.groupId, null);
    const event = got.event as { id: string; type: string; seq: number; at: string; data: { userId: string; notification: { groupId: string } } };
    assert.deepEqual(Object.keys(event).sort(), ['at', 'data', 'id', 'seq', 'type']);
    assert.equal(event.id, id);
    assert.equal(event.data.userId, ann.userId);
    assert.equal(event.data.notification.groupId, group, 'the group it is about stays inside the notification');
    const frame = await annSse.event('notification.created');
    assert.equal(frame.id, got.id);
    assert.deepEqual(JSON.parse(frame.data!), { id: got.id, groupId: null, event });

    // Per-connection order is kept: a leak of Bo's would reach Ann before her second one.
    await notify(bo, 'for Bo');
    await notify(ann, 'Ann again');
    await boWs.take(mine('for Bo'));
    await annWs.take(mine('Ann again'));
    await annSse.take((f) => f.event === 'notification.created' && f.data!.includes('Ann again'));
    assert.deepEqual(personal(annWs), []);
    assert.equal(annSse.frames.some((f) => f.data?.includes('for Bo')), false);
    assert.deepEqual(personal(boWs), [], 'none of Ann\'s');
    await sleep(200);
    assert.deepEqual(personal(cyWs), [], 'Cy got none');
  });

  it('reaches a user in no group, and a user removed from the group the notification is about', async () => {
    const [cyWs, cySse] = [await ws(cy), await sse(cy)];
    await notify(cy, 'for Cy');
    await cyWs.take(mine('for Cy'));
    await cySse.take((f) => f.event === 'notification.created' && f.data!.includes('for Cy'));

    const boWs = await ws(bo);
    const removed = await call(h, 'DELETE', `/v1/groups/${group}/members/${bo.userId}`, { token: ann.token });
    assert.equal(removed.status, 204, removed.text);
    await boWs.event('group.member_removed', group);
    await notify(bo, 'you were removed', group);
    const got = await boWs.take(mine('you were removed'));
    assert.equal(got.groupId, null);
    // The notifications service's own rule for the same removal: Bo is no member any more, and still hears of it.
    const fromService = await boWs.take((m) => isNotification(m) && (m.event as Created).data.notification.type === 'member_removed', 5000);
    assert.equal(fromService.groupId, null);
    assert.equal((fromService.event as Created).data.notification.groupId, group);
  });

  it('replays missed personal events after a Last-Event-ID, never another user\'s', async () => {
    const annWs = await ws(ann);
    await notify(ann, 'seen');
    const seenId = String((await annWs.take(mine('seen'))).id);
    await annWs.close();
    await notify(ann, 'missed 1');
    await notify(cy, 'not Ann\'s');
    await notify(ann, 'missed 2');

    const again = await ws(ann, { 'last-event-id': seenId });
    await waitFor('the replay on the WebSocket', () => personal(again).length >= 2);
    assert.deepEqual(personal(again).map(titleOf), ['missed 1', 'missed 2'], 'in order, nothing else');
    const sseAgain = await sse(ann, { 'last-event-id': seenId });
    const sseTitles = () => sseAgain.frames.filter((f) => f.event === 'notification.created').map((f) => JSON.parse(f.data!).event.data.notification.title as string).filter((t) => t.startsWith(TEST));
    await waitFor('the replay on SSE', () => sseTitles().length >= 2);
    assert.deepEqual(sseTitles(), [TEST + 'missed 1', TEST + 'missed 2']);

    // Ann's cursor as Cy's position: Cy gets Cy's, and not Ann's.
    const cyAgain = await ws(cy, { 'last-event-id': seenId });
    await cyAgain.take(mine('not Ann\'s'));
    await sleep(200);
    assert.deepEqual(personal(cyAgain), []);
  });

  it('resets a reconnect with more missed personal events than a connection may buffer', async () => {
    const cyWs = await ws(cy);
    await notify(cy, 'last seen');
    const seenId = String((await cyWs.take(mine('last seen'))).id);
    await cyWs.close();
    const annWs = await ws(ann);
    await notify(ann, 'a later position');
    const position = String((await annWs.take(mine('a later position'))).id);
    for (let i = 0; i <= BUFFER; i++) await notify(cy, `flood ${i}`);
    await notify(ann, 'marker'); // published after the flood: once Ann has it, the gateway has them all
    await annWs.take(mine('marker'));

    // From Cy's own last cursor, and from Ann's later one: more than BUFFER of Cy's after each.
    for (const lastEventId of [seenId, position]) {
      const again = await ws(cy, { 'last-event-id': lastEventId });
      const reset = await again.take((m) => m.type === 'reset');
      assert.equal(reset.reason, 'last_event_id_unknown');
      await sleep(100);
      assert.deepEqual(personal(again), [], 'a reset replays nothing');
      await again.close();
    }
  });
});
