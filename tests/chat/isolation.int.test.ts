/**
 * Chat isolation through the real gateway, users, location and chat services: a member of
 * one group reaches nothing of another group's conversation, by any route or stream (a
 * message sent over the WebSocket included; the chat service refuses it too, behind the
 * gateway); a removed member loses the
 * conversation at once; a deleted group takes its conversation with it, rows and events;
 * a deleted account is anonymised in what it wrote, its words kept.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encode } from '../../src/kit/index.ts';
import { chat } from '../../src/contracts/index.ts';
import { rawRequest, useBroker } from '../support/broker.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { SseClient } from '../support/sse-client.ts';
import { WsClient, type Msg } from '../support/ws-client.ts';
import { assertProblem, call } from '../support/http.ts';
import { joinGroup, makeGroup, signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { waitFor } from '../support/poll.ts';

const sentWith = (text: string) => (m: Msg) => m.type === 'event' && (m.event as any).type === 'message.sent' && (m.event as any).data.message.text === text;

describe('chat: isolation between groups and members', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('chat-isolation');
  let h: InProcessHearth;
  let ann: User, bo: User, cy: User, di: User;
  let A: string, B: string;
  let secret: any;
  let wsUrl: string;

  const msgs = (u: User, g: string, q = '') => call(h, 'GET', `/v1/groups/${g}/messages${q}`, { token: u.token });
  const send = async (u: User, g: string, text: string, txnId: string): Promise<any> => {
    const r = await call(h, 'POST', `/v1/groups/${g}/messages`, { token: u.token, body: { text, txnId } });
    assert.equal(r.status, 201, r.text);
    return r.body.message;
  };
  const chatKnows = (u: User, g: string) => waitFor(`chat knows ${u.name}`, async () => (await msgs(u, g)).status === 200 || undefined);
  const rows = async (table: string, g: string): Promise<number> => Number((await h.chat.db.query(`SELECT count(*) AS n FROM ${table} WHERE group_id = ?`, [g]))[0]!.n);
  const streamEvents = async (g: string) => (await h.chat.events.read(0, 100_000)).filter((e) => e.stream === `chat:${g}`);
  const ear = async (u: User): Promise<{ ws: WsClient; sse: SseClient }> => {
    const ws = await WsClient.open(wsUrl, u.token);
    const sse = await SseClient.open(`${h.url}/v1/events`, { authorization: `Bearer ${u.token}` });
    await Promise.all([ws.take((m) => m.type === 'ready'), sse.event('ready')]);
    return { ws, sse };
  };
  const deaf = async (...ears: { ws: WsClient; sse: SseClient }[]) => {
    for (const e of ears) {
      e.sse.close();
      await e.ws.close();
    }
  };

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    wsUrl = `${h.url.replace(/^http/, 'ws')}/v1/stream`;
    [ann, bo, cy, di] = await Promise.all([signUp(h, 'Ann'), signUp(h, 'Bo'), signUp(h, 'Cy'), signUp(h, 'Di')]);
    A = await makeGroup(h, ann, 'Alpha');
    B = await makeGroup(h, cy, 'Bravo');
    await joinGroup(h, A, ann, bo);
    await joinGroup(h, B, cy, di);
    for (const [u, g] of [[ann, A], [bo, A], [cy, B], [di, B]] as const) await chatKnows(u, g);
    secret = await send(bo, A, 'Alpha secret plan', 'a-secret');
    await send(di, B, 'Bravo hello', 'b-hello');
  });
  after(() => h?.stop());

  it('answers 404 to a non-member on every chat route of another group, and changes nothing', async () => {
    const head = await h.chat.events.head();
    const probes: [string, string, unknown?][] = [
      ['GET', `/v1/groups/${A}/messages`],
      ['GET', `/v1/groups/${A}/messages?before=${secret.id}`],
      ['GET', `/v1/groups/${A}/messages?after=${encodeURIComponent(new Date(0).toISOString())}`],
      ['GET', `/v1/groups/${A}/messages/search?q=secret`],
      ['POST', `/v1/groups/${A}/messages`, { text: 'let me in', txnId: 'intruder' }],
      ['PATCH', `/v1/groups/${A}/messages/${secret.id}`, { text: 'defaced' }],
      ['DELETE', `/v1/groups/${A}/messages/${secret.id}`],
      ['PUT', `/v1/groups/${A}/read-marker`, { messageId: secret.id }],
    ];
    for (const who of [cy, di]) {
      for (const [method, path, body] of probes) {
        const r = await call(h, method, path, { token: who.token, ...(body === undefined ? {} : { body }) });
        assertProblem(r, 404, 'membership.not_a_member');
        assert.equal(/secret|Alpha|Ann|Bo\b/.test(r.text), false, `${method} ${path} leaks A: ${r.text}`);
      }
      const unread = await call(h, 'GET', '/v1/me/unread', { token: who.token });
      assert.deepEqual(unread.body.groups.map((g: any) => g.groupId), [B]);
    }
    assert.equal(await h.chat.events.head(), head, 'no event appended');
    const kept = (await msgs(ann, A)).body.messages.find((m: any) => m.id === secret.id);
    assert.equal(kept.text, 'Alpha secret plan');
    assert.equal(kept.editedAt, null);
  });

  it('refuses a non-member in the chat service too, behind the gateway', async () => {
    const actor = { userId: cy.userId };
    const asks: [string, unknown][] = [
      [chat.GetHistory.subject, { actor, groupId: A }],
      [chat.SearchMessages.subject, { actor, groupId: A, q: 'secret' }],
      [chat.SendMessage.subject, { actor, groupId: A, text: 'sneaking in', txnId: 'raw-intruder' }],
      [chat.DeleteMessage.subject, { actor, groupId: A, messageId: secret.id }],
      [chat.MarkRead.subject, { actor, groupId: A, messageId: secret.id }],
    ];
    for (const [subject, data] of asks) {
      const r = await rawRequest(h.nc, subject, encode(data));
      assert.equal(r.error?.code, 'membership.not_a_member', `${subject}: ${JSON.stringify(r)}`);
    }
    assert.equal((await msgs(ann, A)).body.messages.find((m: any) => m.id === secret.id).deletedAt, null);
  });

  it('puts A\u2019s messages on A members\u2019 WebSocket and SSE streams, never on B members\u2019', async () => {
    const [annEar, cyEar] = [await ear(ann), await ear(cy)];
    try {
      cyEar.ws.send({ type: 'message', id: 'sneak', groupId: A, text: 'Cy sneaks in', txnId: 'cy-ws' });
      const refused = await cyEar.ws.take((m) => m.type === 'error' && m.id === 'sneak');
      assert.equal(refused.code, 'membership.not_a_member');
      await send(bo, A, 'Alpha meets at noon', 'a-noon');
      // Committed after Bo's message: a leaked A event would reach Cy before this one.
      await send(di, B, 'Bravo marker', 'b-marker');
      const seen = await annEar.ws.take(sentWith('Alpha meets at noon'));
      assert.equal(seen.groupId, A);
      await annEar.sse.take((f) => f.event === 'message.sent' && f.data!.includes('Alpha meets at noon'));
      await cyEar.ws.take(sentWith('Bravo marker'));
      await cyEar.sse.take((f) => f.event === 'message.sent' && f.data!.includes('Bravo marker'));
      assert.deepEqual(cyEar.ws.events().filter((m) => m.groupId !== B), []);
      for (const text of [JSON.stringify(cyEar.ws.inbox), JSON.stringify(cyEar.sse.frames)]) {
        for (const leak of [A, 'Alpha', bo.userId]) assert.equal(text.includes(leak), false, `Cy's stream shows ${leak}`);
      }
      assert.equal(JSON.stringify(annEar.ws.inbox).includes('Cy sneaks in'), false);
      assert.equal(JSON.stringify((await msgs(ann, A)).body).includes('Cy sneaks in'), false, 'nothing stored');
    } finally {
      await deaf(annEar, cyEar);
    }
  });

  it('shuts a removed member out of the conversation and its stream', async () => {
    const eve = await signUp(h, 'Eve');
    await joinGroup(h, A, ann, eve);
    await chatKnows(eve, A);
    const [annEar, eveEar] = [await ear(ann), await ear(eve)];
    try {
      const hello = await send(ann, A, 'Hello Eve', 'a-hello-eve');
      await eveEar.ws.take(sentWith('Hello Eve'));
      assert.equal((await call(h, 'PUT', `/v1/groups/${A}/read-marker`, { token: eve.token, body: { messageId: hello.id } })).status, 200);

      const removed = await call(h, 'DELETE', `/v1/groups/${A}/members/${eve.userId}`, { token: ann.token });
      assert.ok(removed.status < 300, removed.text);
      await waitFor('Eve out of chat\u2019s members', async () => (await h.chat.db.query('SELECT 1 FROM members WHERE group_id = ? AND user_id = ?', [A, eve.userId])).length === 0 || undefined);
      await waitFor('the gateway refuses Eve', async () => (await msgs(eve, A)).status === 404 || undefined);
      assertProblem(await msgs(eve, A), 404, 'membership.not_a_member');
      assertProblem(await call(h, 'POST', `/v1/groups/${A}/messages`, { token: eve.token, body: { text: 'still here?', txnId: 'eve-late' } }), 404);
      assertProblem(await call(h, 'GET', `/v1/groups/${A}/messages/search?q=Eve`, { token: eve.token }), 404);
      assert.deepEqual((await call(h, 'GET', '/v1/me/unread', { token: eve.token })).body.groups, []);
      assert.equal((await h.chat.db.query('SELECT 1 FROM read_markers WHERE group_id = ? AND user_id = ?', [A, eve.userId])).length, 0, 'her marker is gone');
      const raw = await rawRequest(h.nc, chat.GetHistory.subject, encode({ actor: { userId: eve.userId }, groupId: A }));
      assert.equal(raw.error?.code, 'membership.not_a_member');

      await send(ann, A, 'Eve has gone', 'a-eve-gone');
      await annEar.ws.take(sentWith('Eve has gone'));
      await annEar.sse.take((f) => f.event === 'message.sent' && f.data!.includes('Eve has gone'));
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(JSON.stringify(eveEar.ws.inbox).includes('Eve has gone'), false, 'not on her WebSocket');
      assert.equal(JSON.stringify(eveEar.sse.frames).includes('Eve has gone'), false, 'not on her SSE');
    } finally {
      await deaf(annEar, eveEar);
    }
  });

  it('erases a deleted group\u2019s conversation: rows, search index and events', async () => {
    const marked = await send(cy, B, 'Bravo searchable words', 'b-words');
    assert.equal((await call(h, 'PUT', `/v1/groups/${B}/read-marker`, { token: di.token, body: { messageId: marked.id } })).status, 200);
    const seqs = (await h.chat.db.query('SELECT seq FROM messages WHERE group_id = ?', [B])).map((r) => Number(r.seq));
    assert.ok(seqs.length >= 4);
    const fts = async () => Number((await h.chat.db.query(`SELECT count(*) AS n FROM messages_fts WHERE rowid IN (${seqs.join(',')})`))[0]!.n);
    assert.ok((await fts()) >= 3, 'B is indexed');
    assert.ok((await streamEvents(B)).length >= 4, 'B has events');
    assert.equal(await rows('read_markers', B), 1);
    const aMessages = await rows('messages', A);
    const aEvents = (await streamEvents(A)).length;

    const gone = await call(h, 'DELETE', `/v1/groups/${B}`, { token: cy.token });
    assert.ok(gone.status < 300, gone.text);
    await waitFor('B\u2019s conversation erased', async () => (await rows('messages', B)) === 0 || undefined);
    for (const t of ['members', 'messages', 'read_markers']) assert.equal(await rows(t, B), 0, `${t} of B`);
    assert.equal(await fts(), 0, 'no index entries of B');
    assert.deepEqual(await streamEvents(B), [], 'no events of chat:B');
    const anywhere = JSON.stringify((await h.chat.events.read(0, 100_000)).map((e) => e.data));
    assert.equal(anywhere.includes(B), false, 'B is nowhere in the log');
    assert.equal(await rows('messages', A), aMessages, 'A untouched');
    assert.equal((await streamEvents(A)).length, aEvents);
    for (const u of [cy, di]) assertProblem(await msgs(u, B), 404);
  });

  it('anonymises a deleted account\u2019s messages and keeps their text', async () => {
    const fay = await signUp(h, 'Fay');
    await joinGroup(h, A, ann, fay);
    await chatKnows(fay, A);
    const mine = [await send(fay, A, 'Fay was here', 'f-1'), await send(fay, A, 'Fay again', 'f-2')];
    const reply = await call(h, 'POST', `/v1/groups/${A}/messages`, { token: ann.token, body: { text: 'Noted, Fay', txnId: 'a-reply-fay', replyTo: mine[0].id } });
    assert.equal(reply.status, 201, reply.text);

    const deleted = await call(h, 'DELETE', '/v1/me', { token: fay.token, body: { password: fay.password } });
    assert.equal(deleted.status, 202, deleted.text);
    const byId = async () => new Map<string, any>((await msgs(ann, A, '?limit=100')).body.messages.map((m: any) => [m.id, m]));
    await waitFor('Fay anonymised', async () => (await byId()).get(mine[0].id)?.authorId === null || undefined);
    const page = await byId();
    for (const [i, text] of ['Fay was here', 'Fay again'].entries()) {
      const m = page.get(mine[i].id);
      assert.equal(m.authorId, null);
      assert.equal(m.authorName, 'Deleted account');
      assert.equal(m.text, text);
      assert.equal(m.kind, 'user');
    }
    assert.equal(page.get(reply.body.message.id).replyTo, mine[0].id);
    assert.equal(page.get(reply.body.message.id).authorId, ann.userId);
    const story = [...page.values()].filter((m) => m.kind === 'system' && m.system.userId === fay.userId);
    assert.ok(story.length >= 1, 'Fay’s joining (and leaving) are still told');
    for (const m of story) assert.equal(m.system.name, 'Deleted account', JSON.stringify(m));
    assert.equal((await h.chat.db.query('SELECT 1 FROM messages WHERE author_id = ?', [fay.userId])).length, 0);
    assert.equal((await h.chat.db.query('SELECT 1 FROM members WHERE user_id = ?', [fay.userId])).length, 0);
  });
});
