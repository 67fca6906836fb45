/**
 * System messages through the real gateway, users, location and chat services: a member
 * joining, leaving or being removed, an SOS raised and cleared and a destination reached
 * each leave one message in the conversation (and on the stream); and what happens while
 * the chat service is down is caught up from the other services' logs when it starts again
 * on the same database, once — no message lost, none doubled.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chatService } from '../../services/chat/index.ts';
import { logSink, startService } from '../support/service.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';
import { WsClient } from '../support/ws-client.ts';
import { call } from '../support/http.ts';
import { joinGroup, makeGroup, signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { knownToLocation } from '../support/family.ts';
import { waitFor } from '../support/poll.ts';

type Sys = { id: string; seq: number; kind: string; authorId: string | null; authorName: string; text: string | null; system: { type: string; userId: string; name: string } };

describe('chat: system messages', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('chat-system');
  let h: InProcessHearth;
  let ann: User;
  let group: string;

  /** The group's system messages, oldest first (read as Ann, the owner). */
  const systemMessages = async (): Promise<Sys[]> => {
    const r = await call(h, 'GET', `/v1/groups/${group}/messages?limit=100`, { token: ann.token });
    assert.equal(r.status, 200, r.text);
    return r.body.messages.filter((m: Sys) => m.kind === 'system');
  };
  const about = async (type: string, who: User): Promise<Sys[]> => (await systemMessages()).filter((m) => m.system.type === type && m.system.userId === who.userId);
  /** Waits for the system message of `type` about `who`, and checks there is one only. */
  const one = async (type: string, who: User): Promise<Sys> => {
    await waitFor(`${type} for ${who.name}`, async () => (await about(type, who)).length > 0 || undefined);
    const found = await about(type, who);
    assert.equal(found.length, 1, `one ${type} for ${who.name}: ${JSON.stringify(found)}`);
    const m = found[0]!;
    assert.deepEqual(
      { kind: m.kind, authorId: m.authorId, authorName: m.authorName, text: m.text, system: m.system },
      { kind: 'system', authorId: null, authorName: 'Hearth', text: null, system: { type, userId: who.userId, name: who.name } },
    );
    return m;
  };
  const member = async (name: string): Promise<User> => {
    const u = await signUp(h, name);
    await joinGroup(h, group, ann, u);
    await knownToLocation(h, group, u, ann);
    return u;
  };

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    ann = await signUp(h, 'Ann');
    group = await makeGroup(h, ann, 'Family');
    await waitFor('chat knows Ann', async () => (await call(h, 'GET', `/v1/groups/${group}/messages`, { token: ann.token })).status === 200 || undefined);
  });
  after(() => h?.stop());

  it('says who joined through an invite, in the history and on the stream', async () => {
    const ws = await WsClient.open(`${h.url.replace(/^http/, 'ws')}/v1/stream`, ann.token);
    try {
      await ws.take((m) => m.type === 'ready');
      const bo = await member('Bo');
      const m = await one('member_joined', bo);
      const live = await ws.take((x) => x.type === 'event' && (x.event as any).type === 'message.sent' && (x.event as any).data.message.system?.userId === bo.userId);
      assert.equal((live.event as any).data.message.id, m.id);
      assert.deepEqual((live.event as any).data.message.system, m.system);
    } finally {
      await ws.close();
    }
  });

  it('says who left, and who was removed, by the name they had', async () => {
    const [cy, di] = [await member('Cy'), await member('Di')];
    const left = await call(h, 'POST', `/v1/groups/${group}/leave`, { token: cy.token });
    assert.ok(left.status < 300, left.text);
    const removed = await call(h, 'DELETE', `/v1/groups/${group}/members/${di.userId}`, { token: ann.token });
    assert.ok(removed.status < 300, removed.text);
    const l = await one('member_left', cy);
    const r = await one('member_removed', di);
    assert.ok(l.seq > (await one('member_joined', cy)).seq);
    assert.ok(r.seq > (await one('member_joined', di)).seq);
  });

  it('tells of an SOS raised and cleared, and of a destination reached', async () => {
    const eve = await member('Eve');
    const raised = await call(h, 'POST', `/v1/groups/${group}/sos`, { token: eve.token, body: { lat: 52.5, lon: 13.4 } });
    assert.equal(raised.status, 201, raised.text);
    const up = await one('sos_raised', eve);
    const cleared = await call(h, 'DELETE', `/v1/groups/${group}/sos`, { token: eve.token });
    assert.equal(cleared.status, 200, cleared.text);
    const down = await one('sos_cleared', eve);
    assert.ok(down.seq > up.seq);

    const destination = { name: 'Lake', lat: 52.51, lon: 13.41 };
    const journey = await call(h, 'POST', `/v1/groups/${group}/journey`, { token: eve.token, body: { mode: 'walking', destination, expectedArrival: new Date(Date.now() + 3_600_000).toISOString() } });
    assert.equal(journey.status, 201, journey.text);
    const fix = await call(h, 'POST', '/v1/locations', { token: eve.token, body: { lat: 52.51, lon: 13.41, timestamp: new Date().toISOString(), accuracy: 5 } });
    assert.equal(fix.status, 200, fix.text);
    await one('destination_reached', eve);
  });

  it('catches up on an SOS raised and a member who joined while it was down, once each', async () => {
    const fay = await member('Fay');
    await one('member_joined', fay);
    const [{ file }] = await h.chat.db.query('PRAGMA database_list');
    assert.ok(String(file).endsWith('.db'), String(file));
    const beforeStop = (await systemMessages()).map((m) => m.id);

    await h.chat.stop();
    const raised = await call(h, 'POST', `/v1/groups/${group}/sos`, { token: fay.token, body: {} });
    assert.equal(raised.status, 201, raised.text);
    const gus = await signUp(h, 'Gus');
    await joinGroup(h, group, ann, gus);
    h.chat = await startService(chatService(), h.brokerUrl, String(file), { settings: h.config, log: logSink().options, catchupMs: 500 });

    await one('sos_raised', fay);
    await one('member_joined', gus);
    // Two more catch-up rounds: a second pass over the same events must add nothing.
    await new Promise((r) => setTimeout(r, 1200));
    await one('sos_raised', fay);
    await one('member_joined', gus);
    const after = (await systemMessages()).map((m) => m.id);
    assert.deepEqual(after.slice(0, beforeStop.length), beforeStop, 'the earlier ones untouched');
    assert.equal(after.length, beforeStop.length + 2);
    const doubled = await h.chat.db.query('SELECT txn_id, count(*) AS n FROM messages WHERE author_id IS NULL GROUP BY txn_id HAVING n > 1');
    assert.deepEqual(doubled, []);
    const sent = await call(h, 'POST', `/v1/groups/${group}/messages`, { token: fay.token, body: { text: 'I am fine', txnId: 'fay-fine' } });
    assert.equal(sent.status, 201, sent.text);
  });

  it('tells of an SOS raised right after joining while it was down', async () => {
    const [{ file }] = await h.chat.db.query('PRAGMA database_list');
    await h.chat.stop();
    const hal = await signUp(h, 'Hal');
    await joinGroup(h, group, ann, hal);
    await knownToLocation(h, group, hal, ann);
    const raised = await call(h, 'POST', `/v1/groups/${group}/sos`, { token: hal.token, body: {} });
    assert.equal(raised.status, 201, raised.text);
    h.chat = await startService(chatService(), h.brokerUrl, String(file), { settings: h.config, log: logSink().options, catchupMs: 500 });
    await one('member_joined', hal);
    await one('sos_raised', hal);
  });
});
