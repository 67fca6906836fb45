/**
 * `Last-Event-ID` on another gateway (#19): two gateways on one broker, as behind a load
 * balancer. A WebSocket and an SSE client of Ann's read from gateway A, go away, and come
 * back to gateway B with their last ids while group events (chat, users) and a personal
 * one (a notification) were committed: B replays them from the services' logs. The oracle
 * is a witness stream of Ann's that stayed on A all along: the resumed streams get exactly
 * what it got after that id — each once, each service's events in its log's order — and
 * then live events. A member removed meanwhile gets the removal and nothing of the group
 * after it; a cursor that is not one, names an epoch the log does not continue (as after a
 * restore), or is too far behind is a `reset`; a real restore of the notifications database:
 * a cursor from before the restored point resumes into the new epoch, one past it resets. A stream that got no event before it went
 * resumes from where its `ready` said it started; one that was reset, from the `reset`.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { notifications } from '../../src/contracts/index.ts';
import { decodeCursor, encodeCursor } from '../../src/gateway/stream/index.ts';
import { openDb, stampRestore, uuidv7, type RunningService } from '../../src/kit/index.ts';
import { joinGroup, signUp, type User } from '../support/accounts.ts';
import { useBroker } from '../support/broker.ts';
import { family } from '../support/family.ts';
import { call } from '../support/http.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { startSecondGateway } from '../support/gateways.ts';
import { waitFor } from '../support/poll.ts';
import { SseClient, type Frame } from '../support/sse-client.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { WsClient, type Msg } from '../support/ws-client.ts';

const BUFFER = 24; // gateway.stream_buffer: the most events one replay sends
type Ev = { id: string; type: string; seq: number; data: Record<string, unknown> };
const evOf = (m: Msg): Ev => m.event as Ev;
const evOfFrame = (f: Frame): Ev => JSON.parse(f.data!).event as Ev;
const textOf = (e: Ev): string | undefined => (e.data.message as { text?: string } | undefined)?.text;
/** Copies a database file with its WAL, as a backup does (the service is stopped). */
const copyDb = (from: string, to: string): void => {
  for (const ext of ['', '-wal', '-shm']) {
    rmSync(to + ext, { force: true });
    if (existsSync(from + ext)) copyFileSync(from + ext, to + ext);
  }
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('gateway: a stream resumed on another gateway', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('gw-resume');
  let h: InProcessHearth;
  let second: RunningService;
  let a: string;
  let b: string;
  let ann: User;
  let bo: User;
  let group: string;
  const open: Array<WsClient | SseClient> = [];
  const ws = async (base: string, u: User, headers: Record<string, string> = {}): Promise<WsClient> => {
    const c = await WsClient.open(base.replace('http', 'ws') + '/v1/stream', u.token, headers);
    open.push(c);
    await c.take((m) => m.type === 'ready');
    return c;
  };
  const sse = async (base: string, u: User, headers: Record<string, string> = {}): Promise<SseClient> => {
    const c = await SseClient.open(`${base}/v1/events`, { authorization: `Bearer ${u.token}`, ...headers });
    open.push(c);
    await c.event('ready');
    return c;
  };
  const say = async (u: User, text: string, g = group): Promise<void> => {
    const r = await call({ url: a }, 'POST', `/v1/groups/${g}/messages`, { token: u.token, body: { text, txnId: uuidv7() } });
    assert.equal(r.status, 201, r.text);
  };
  const isText = (text: string) => (m: Msg) => m.type === 'event' && textOf(evOf(m)) === text;
  /** Waits until a client has the message (left in its inbox). */
  const has = (c: WsClient | SseClient, text: string): Promise<unknown> =>
    waitFor(`"${text}"`, () => (c instanceof WsClient ? c.inbox.some(isText(text)) : c.frames.some((f) => f.event === 'message.sent' && textOf(evOfFrame(f)) === text)) || undefined, 5000);
  /** Appends a notification for `u` to the notifications service's log (its relay publishes it). */
  const notify = async (u: User, title: string): Promise<void> => {
    const svc = h.notifications;
    const notification: notifications.Notification = { id: uuidv7(), type: 'member_joined', priority: 'low', groupId: null, title, body: '', actorId: null, refs: {}, quiet: false, createdAt: new Date().toISOString(), readAt: null };
    await svc.db.write((tx) => svc.events.append(tx, notifications.NotificationCreated, { userId: u.userId, notification }, { stream: notifications.inboxStream(u.userId) }));
  };

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, (c) => void (c.gateway.stream_buffer = BUFFER), { sameFiles: true });
    const started = await startSecondGateway(h, broker().url, dir);
    [second, b] = [started.service, started.url];
    a = h.url;
    ({ users: [ann, bo], group } = await family({ url: a }, ['Ann', 'Bo']));
  });
  after(async () => {
    for (const c of open) c instanceof WsClient ? await c.close() : c.close();
    await second?.stop();
    await h?.stop();
  });

  it('replays every missed group and personal event once and in order on the other gateway, then goes live', async () => {
    const witness = await ws(a, ann);
    const [leaverWs, leaverSse] = [await ws(a, ann), await sse(a, ann)];
    await say(bo, 'seen');
    const lastWs = String((await leaverWs.take(isText('seen'), 5000)).id);
    const lastSse = (await leaverSse.take((f) => f.event === 'message.sent' && textOf(evOfFrame(f)) === 'seen')).id!;
    assert.equal(lastWs, lastSse, 'one gateway gives an event one cursor on both transports');
    await leaverWs.close();
    leaverSse.close();

    await say(bo, 'missed 1');
    assert.equal((await call({ url: a }, 'PATCH', `/v1/groups/${group}`, { token: ann.token, body: { name: 'Home' } })).status, 200);
    await notify(ann, 'missed notification');
    await say(ann, 'missed 2');
    await say(bo, 'marker');
    await has(witness, 'marker');

    const [back, backSse] = [await ws(b, ann, { 'last-event-id': lastWs }), await sse(b, ann, { 'last-event-id': lastSse })];
    for (const c of [back, backSse]) await has(c, 'marker');
    await say(bo, 'live');
    for (const c of [witness, back, backSse]) await has(c, 'live');
    // What the witness got after the last id; events the services make of these (a notification)
    // may still be on their way to either gateway: wait until both have the same.
    const expected = (): Ev[] => {
      const witnessed = witness.inbox.filter((m) => m.type === 'event').map(evOf);
      return witnessed.slice(witnessed.findIndex((e) => textOf(e) === 'seen') + 1);
    };
    const got = (): Ev[] => back.inbox.filter((m) => m.type === 'event').map(evOf);
    const gotSse = (): Ev[] => backSse.frames.filter((f) => f.id !== undefined && f.data !== undefined).map(evOfFrame);
    const ids = (events: Ev[]): string => [...new Set(events.map((e) => e.id))].sort().join();
    for (const received of [got, gotSse]) await waitFor('the same events as the witness', () => ids(received()) === ids(expected()) || undefined, 5000);
    await sleep(300); // anything sent twice would be here by now
    for (const [name, events] of [['WebSocket', got], ['SSE', gotSse]] as const) {
      const received = events();
      assert.equal(new Set(received.map((e) => e.id)).size, received.length, `${name}: each event once`);
      assert.deepEqual(new Set(received.map((e) => e.id)), new Set(expected().map((e) => e.id)), `${name}: exactly what the witness got after the last id`);
      assert.deepEqual(received.map(textOf).filter((t) => t !== undefined), ['missed 1', 'missed 2', 'marker', 'live'], `${name}: chat in order`);
      assert.ok(received.some((e) => e.type === 'group.renamed'), `${name}: the users event`);
      assert.ok(received.some((e) => e.type === 'notification.created' && (e.data.notification as { title: string }).title === 'missed notification'), `${name}: the personal event`);
    }
    // The cursors B gives go on from where A's left off (B reads the same logs).
    const cursor = decodeCursor(String(back.inbox.filter((m) => m.type === 'event').at(-1)?.id ?? ''))!;
    assert.ok(cursor && cursor.get('chat')!.seq >= decodeCursor(lastWs)!.get('chat')!.seq);
  });

  it('resumes a stream that got no event before it went from where its ready said it started, and a reset one from the reset', async () => {
    const quiet = await WsClient.open(a.replace('http', 'ws') + '/v1/stream', ann.token);
    open.push(quiet);
    const start = (await quiet.take((m) => m.type === 'ready')).lastEventId;
    assert.match(String(start), /^c1\./, 'a fresh stream is told where it starts');
    const quietSse = await SseClient.open(`${a}/v1/events`, { authorization: `Bearer ${ann.token}` });
    open.push(quietSse);
    const sseStart = (await quietSse.event('ready')).id;
    assert.match(String(sseStart), /^c1\./);
    await quiet.close();
    quietSse.close();
    await say(bo, 'while nobody listened');
    const back = await ws(b, ann, { 'last-event-id': String(start) });
    const backSse = await sse(b, ann, { 'last-event-id': sseStart! });
    for (const c of [back, backSse]) await has(c, 'while nobody listened');

    const reset = await WsClient.open(b.replace('http', 'ws') + '/v1/stream', ann.token, { 'last-event-id': 'c1.nonsense' });
    open.push(reset);
    await reset.take((m) => m.type === 'ready');
    const from = (await reset.take((m) => m.type === 'reset', 5000)).lastEventId;
    assert.match(String(from), /^c1\./, 'a reset says where the stream now starts');
    await reset.close();
    await say(bo, 'after the reset');
    const again = await ws(a, ann, { 'last-event-id': String(from) });
    await has(again, 'after the reset');
    assert.equal(again.inbox.some((m) => m.type === 'reset'), false);
  });

  it('gives a member removed meanwhile the removal and nothing of the group after it', async () => {
    const cy = await signUp({ url: a }, 'Cy');
    await joinGroup({ url: a }, group, ann, cy);
    const cyWs = await ws(a, cy);
    await say(ann, 'for Cy too');
    const last = String((await cyWs.take(isText('for Cy too'), 5000)).id);
    await cyWs.close();
    await say(ann, 'before removal');
    assert.equal((await call({ url: a }, 'DELETE', `/v1/groups/${group}/members/${cy.userId}`, { token: ann.token })).status, 204);
    await say(ann, 'after removal');

    const back = await ws(b, cy, { 'last-event-id': last });
    await back.take(isText('before removal'), 5000);
    const removed = await back.event('group.member_removed', group, 5000);
    assert.equal((removed.event as Ev).data.userId, cy.userId);
    await sleep(300);
    assert.equal(back.inbox.some(isText('after removal')), false, 'nothing of the group after the removal');
  });

  it('resumes from before a restore of a service\'s database, and resets a cursor past the restored point', async () => {
    const annWs = await ws(a, ann);
    const isTitle = (title: string) => (m: Msg) => m.type === 'event' && evOf(m).type === 'notification.created' && (evOf(m).data.notification as { title: string }).title === title;
    await notify(ann, 'before the backup');
    const before = String((await annWs.take(isTitle('before the backup'), 5000)).id);
    const file = join(dir, 'notifications.db');
    await h.stopNotifications();
    copyDb(file, `${file}.backup`);
    await h.startNotifications();
    await notify(ann, 'lost in the restore');
    const past = String((await annWs.take(isTitle('lost in the restore'), 5000)).id);
    await h.stopNotifications();
    copyDb(`${file}.backup`, file);
    const db = await openDb({ path: file });
    await stampRestore(db).finally(() => db.close());
    await h.startNotifications();
    await notify(ann, 'after the restore'); // the restored log hands out the lost event's seq again
    await annWs.take(isTitle('after the restore'), 5000); // live, though its seq is not past the gateway's position

    const fromBefore = await ws(b, ann, { 'last-event-id': before });
    await fromBefore.take(isTitle('after the restore'), 5000);
    assert.equal(fromBefore.inbox.some(isTitle('lost in the restore')), false);
    const fromPast = await ws(b, ann, { 'last-event-id': past });
    await fromPast.take((m) => m.type === 'reset', 5000);
  });

  it('resets a cursor that is not one, one whose epoch the log does not continue, and one too far behind', async () => {
    const watcher = await ws(a, ann);
    await say(bo, 'a position');
    const good = String((await watcher.take(isText('a position'), 5000)).id);
    const restored = new Map(decodeCursor(good)!);
    restored.set('chat', { seq: restored.get('chat')!.seq, tag: 'deadbeef' }); // as from before the chat database was restored
    for (const id of ['not a cursor', '0190f5b2-7c3a-7e0b-9c1d-4f2a8b6e1d90', encodeCursor(restored), 'c1.users:1:'.padEnd(600, '0')]) {
      const c = await ws(b, ann, { 'last-event-id': id });
      assert.equal((await c.take((m) => m.type === 'reset', 5000)).reason, 'last_event_id_unknown', id);
      const s = await sse(b, ann, { 'last-event-id': id });
      await s.event('reset', 5000);
    }
    for (let i = 0; i <= BUFFER; i++) await say(bo, `flood ${i}`);
    const behind = await ws(b, ann, { 'last-event-id': good });
    await behind.take((m) => m.type === 'reset', 5000);
    await sleep(200);
    assert.equal(behind.inbox.some(isText('flood 0')), false, 'a reset replays nothing');
  });
});
