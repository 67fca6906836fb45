/** A first pass through the chat routes: send (and again), history, edit, delete, search, read marker, a system message. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call } from '../support/http.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import type { User } from '../support/accounts.ts';
import { family } from '../support/family.ts';
import { WsClient } from '../support/ws-client.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

describe('chat: smoke', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('chat-smoke');
  let h: InProcessHearth;
  let ann: User;
  let bo: User;
  let group: string;
  const msgs = (u: User, q = '') => call(h, 'GET', `/v1/groups/${group}/messages${q}`, { token: u.token });

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    ({ users: [ann, bo], group } = await family(h, ['Ann', 'Bo']));
    await waitFor('chat knows Bo', async () => (await msgs(bo)).status === 200 || undefined);
  });
  after(() => h?.stop());

  it('sends once per txnId, pages, edits, deletes, searches and counts unread', async () => {
    const sent = await call(h, 'POST', `/v1/groups/${group}/messages`, { token: ann.token, body: { text: 'Dinner at <b>seven</b>?', txnId: 'a1' } });
    assert.equal(sent.status, 201, sent.text);
    const again = await call(h, 'POST', `/v1/groups/${group}/messages`, { token: ann.token, body: { text: 'Dinner at <b>seven</b>?', txnId: 'a1' } });
    assert.equal(again.body.duplicate, true);
    assert.equal(again.body.message.id, sent.body.message.id);
    const page = await msgs(bo);
    const users = page.body.messages.filter((m: any) => m.kind === 'user');
    assert.deepEqual(users.map((m: any) => m.text), ['Dinner at <b>seven</b>?']);
    assert.ok(page.body.messages.some((m: any) => m.kind === 'system' && m.system.type === 'member_joined' && m.system.name === 'Bo'), page.text);
    assert.equal((await call(h, 'GET', '/v1/me/unread', { token: bo.token })).body.groups[0].unread >= 1, true);
    const edited = await call(h, 'PATCH', `/v1/groups/${group}/messages/${sent.body.message.id}`, { token: ann.token, body: { text: 'Dinner at eight?' } });
    assert.equal(edited.status, 200, edited.text);
    assert.equal((await call(h, 'PATCH', `/v1/groups/${group}/messages/${sent.body.message.id}`, { token: bo.token, body: { text: 'mine now' } })).status, 403);
    const found = await call(h, 'GET', `/v1/groups/${group}/messages/search?q=eig`, { token: bo.token });
    assert.equal(found.body.results.length, 1, found.text);
    const read = await call(h, 'PUT', `/v1/groups/${group}/read-marker`, { token: bo.token, body: { messageId: sent.body.message.id } });
    assert.equal(read.status, 200, read.text);
    const deleted = await call(h, 'DELETE', `/v1/groups/${group}/messages/${sent.body.message.id}`, { token: ann.token });
    assert.equal(deleted.body.text, null);
    assert.equal((await call(h, 'GET', `/v1/groups/${group}/messages/search?q=eight`, { token: bo.token })).body.results.length, 0);
  });

  it('takes a message over the WebSocket, answers sent, and delivers it to the group', async () => {
    const boWs = await WsClient.open(h.url.replace('http', 'ws') + '/v1/stream', bo.token);
    const annWs = await WsClient.open(h.url.replace('http', 'ws') + '/v1/stream', ann.token);
    await boWs.take((m) => m.type === 'ready');
    await annWs.take((m) => m.type === 'ready');
    boWs.send({ type: 'message', id: 'c1', groupId: group, text: 'On my way', txnId: 'ws-1' });
    const sent = await boWs.take((m) => m.type === 'sent');
    assert.equal(sent.id, 'c1');
    assert.equal((sent.message as { text: string }).text, 'On my way');
    const seen = await annWs.event('message.sent', group);
    assert.equal((seen.event as { data: { message: { text: string } } }).data.message.text, 'On my way');
    boWs.send({ type: 'message', id: 'c2', groupId: '01900000-0000-7000-8000-0000000000cc', text: 'elsewhere', txnId: 'ws-2' });
    const refused = await boWs.take((m) => m.type === 'error' && m.id === 'c2');
    assert.equal(refused.code, 'membership.not_a_member');
    await boWs.close();
    await annWs.close();
  });
});
