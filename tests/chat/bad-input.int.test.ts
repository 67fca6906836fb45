/**
 * Bad input to the chat routes, through the real gateway and services: every malformed
 * body, path or query answers a 4xx problem document that names the field, nothing is
 * stored, and the service works as before afterwards. The same holds one layer down, for
 * requests sent to the chat service over the broker.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encode } from '../../src/kit/index.ts';
import { chat } from '../../src/contracts/index.ts';
import { rawRequest, useBroker } from '../support/broker.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { assertProblem, call, type Ask } from '../support/http.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import type { User } from '../support/accounts.ts';
import { family } from '../support/family.ts';
import { waitFor } from '../support/poll.ts';

/** One bad request: what is sent, the status, and the field the problem must name (or its code). */
type Case = [label: string, method: string, path: (g: string, m: string) => string, ask: Ask, status: number, field: string];

const msgs = (g: string) => `/v1/groups/${g}/messages`;
const one = (g: string, m: string) => `/v1/groups/${g}/messages/${m}`;
const marker = (g: string) => `/v1/groups/${g}/read-marker`;
const search = (q: string) => (g: string) => `/v1/groups/${g}/messages/search${q}`;
const page = (q: string) => (g: string) => `/v1/groups/${g}/messages${q}`;
const ok = { text: 'fine', txnId: 'bad-input-ok' };

const CASES: Case[] = [
  ['empty text', 'POST', msgs, { body: { ...ok, text: '' } }, 400, 'body.text'],
  ['text of spaces', 'POST', msgs, { body: { ...ok, text: '    ' } }, 400, 'body.text'],
  ['text of white space', 'POST', msgs, { body: { ...ok, text: '\n\t \r\n' } }, 400, 'body.text'],
  ['text of 4001 characters', 'POST', msgs, { body: { ...ok, text: 'x'.repeat(4001) } }, 400, 'body.text'],
  ['text a number', 'POST', msgs, { body: { ...ok, text: 42 } }, 400, 'body.text'],
  ['text null', 'POST', msgs, { body: { ...ok, text: null } }, 400, 'body.text'],
  ['text missing', 'POST', msgs, { body: { txnId: 'no-text' } }, 400, 'body.text'],
  ['txnId missing', 'POST', msgs, { body: { text: 'no txn' } }, 400, 'body.txnId'],
  ['txnId of 65 characters', 'POST', msgs, { body: { ...ok, txnId: 't'.repeat(65) } }, 400, 'body.txnId'],
  ['txnId with spaces', 'POST', msgs, { body: { ...ok, txnId: 'has space' } }, 400, 'body.txnId'],
  ['txnId empty', 'POST', msgs, { body: { ...ok, txnId: '' } }, 400, 'body.txnId'],
  ['txnId a number', 'POST', msgs, { body: { ...ok, txnId: 7 } }, 400, 'body.txnId'],
  ['an unknown field', 'POST', msgs, { body: { ...ok, colour: 'red' } }, 400, 'body.colour'],
  ['an authorId', 'POST', msgs, { body: { ...ok, authorId: '01900000-0000-7000-8000-000000000001' } }, 400, 'body.authorId'],
  ['a groupId', 'POST', msgs, { body: { ...ok, groupId: '01900000-0000-7000-8000-000000000001' } }, 400, 'body.groupId'],
  ['replyTo not an id', 'POST', msgs, { body: { ...ok, replyTo: 'the last one' } }, 400, 'body.replyTo'],
  ['an array body', 'POST', msgs, { body: [ok] }, 400, 'body.text'],
  ['a string body', 'POST', msgs, { body: 'hello' }, 400, 'body'],
  ['broken JSON', 'POST', msgs, { raw: '{"text": "hi", ', headers: { 'content-type': 'application/json' } }, 400, 'gateway.invalid_json'],
  ['plain text', 'POST', msgs, { raw: 'hello', headers: { 'content-type': 'text/plain' } }, 415, 'gateway.unsupported_media_type'],
  ['a body over the size limit', 'POST', msgs, { body: { ...ok, text: 'x'.repeat(1_100_000) } }, 413, 'gateway.body_too_large'],
  ['an edit to empty text', 'PATCH', one, { body: { text: '' } }, 400, 'body.text'],
  ['an edit of 4001 characters', 'PATCH', one, { body: { text: 'y'.repeat(4001) } }, 400, 'body.text'],
  ['an edit with an unknown field', 'PATCH', one, { body: { text: 'ok', pinned: true } }, 400, 'body.pinned'],
  ['an edit of a non-id', 'PATCH', (g) => one(g, 'not-an-id'), { body: { text: 'ok' } }, 400, 'params.messageId'],
  ['a delete of a non-id', 'DELETE', (g) => one(g, '12345'), {}, 400, 'params.messageId'],
  ['a marker on a non-id', 'PUT', marker, { body: { messageId: 'latest' } }, 400, 'body.messageId'],
  ['a marker without messageId', 'PUT', marker, { body: {} }, 400, 'body.messageId'],
  ['a marker with an unknown field', 'PUT', (g, m) => marker(g), { body: { messageId: '01900000-0000-7000-8000-000000000001', userId: 'x' } }, 400, 'body.userId'],
  ['limit=0', 'GET', page('?limit=0'), {}, 400, 'query.limit'],
  ['limit=101', 'GET', page('?limit=101'), {}, 400, 'query.limit'],
  ['limit=abc', 'GET', page('?limit=abc'), {}, 400, 'query.limit'],
  ['limit=-1', 'GET', page('?limit=-1'), {}, 400, 'query.limit'],
  ['limit=1.5', 'GET', page('?limit=1.5'), {}, 400, 'query.limit'],
  ['limit empty', 'GET', page('?limit='), {}, 400, 'query.limit'],
  ['before=notacursor', 'GET', page('?before=notacursor'), {}, 400, 'query.before'],
  ['after=notacursor', 'GET', page('?after=notacursor'), {}, 400, 'query.after'],
  ['before a date without a time', 'GET', page('?before=2024-01-01'), {}, 400, 'query.before'],
  ['search without q', 'GET', search(''), {}, 400, 'query.q'],
  ['search with empty q', 'GET', search('?q='), {}, 400, 'query.q'],
  ['search with q of spaces', 'GET', search('?q=%20%20%20'), {}, 400, 'query.q'],
  ['search with q of 201 characters', 'GET', search(`?q=${'q'.repeat(201)}`), {}, 400, 'query.q'],
  ['search with limit=0', 'GET', search('?q=fine&limit=0'), {}, 400, 'query.limit'],
  ['search with limit=abc', 'GET', search('?q=fine&limit=abc'), {}, 400, 'query.limit'],
];

describe('chat: bad input', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('chat-bad-input');
  let h: InProcessHearth;
  let ann: User, bo: User;
  let group: string;
  let mine: any;
  let snapshot: unknown;
  let head: number;

  const history = async (): Promise<unknown> => {
    const r = await call(h, 'GET', `${msgs(group)}?limit=100`, { token: bo.token });
    assert.equal(r.status, 200, r.text);
    return r.body;
  };

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    ({ users: [ann, bo], group } = await family(h, ['Ann', 'Bo']));
    for (const u of [ann, bo]) await waitFor(`chat knows ${u.name}`, async () => (await call(h, 'GET', msgs(group), { token: u.token })).status === 200 || undefined);
    const r = await call(h, 'POST', msgs(group), { token: ann.token, body: { text: 'the original', txnId: 'original' } });
    assert.equal(r.status, 201, r.text);
    mine = r.body.message;
    snapshot = await history();
    head = await h.chat.events.head();
  });
  after(() => h?.stop());

  for (const [label, method, path, ask, status, field] of CASES) {
    it(`answers ${label} with ${status} naming ${field}`, async () => {
      const r = await call(h, method, path(group, mine.id), { token: ann.token, ...ask });
      assert.equal(r.status, status, `${r.status} ${r.text.slice(0, 300)}`);
      assertProblem(r, status);
      if (field.startsWith('gateway.')) assert.equal(r.body.code, field);
      else assert.ok(r.body.errors?.some((e: any) => e.path === field), `expected ${field} in ${JSON.stringify(r.body.errors)}`);
    });
  }

  it('stored nothing for any of them', async () => {
    assert.deepEqual(await history(), snapshot, 'history unchanged');
    assert.equal(await h.chat.events.head(), head, 'no event appended');
  });

  it('refuses bad requests sent to the chat service directly, and stores nothing', async () => {
    const actor = { userId: ann.userId };
    const asks: [string, unknown][] = [
      [chat.SendMessage.subject, { actor, groupId: group, text: ' ', txnId: 'raw-1' }],
      [chat.SendMessage.subject, { actor, groupId: group, text: 'z'.repeat(4001), txnId: 'raw-2' }],
      [chat.SendMessage.subject, { actor, groupId: group, text: 'ok', txnId: 'bad txn' }],
      [chat.SendMessage.subject, { actor, groupId: group, text: 'ok', txnId: 'raw-3', kind: 'system' }],
      [chat.EditMessage.subject, { actor, groupId: group, messageId: mine.id, text: '' }],
      [chat.GetHistory.subject, { actor, groupId: group, limit: 0 }],
      [chat.GetHistory.subject, { actor, groupId: group, limit: 101 }],
      [chat.GetHistory.subject, { actor, groupId: group, before: 'notacursor' }],
      [chat.SearchMessages.subject, { actor, groupId: group, q: '  ' }],
      [chat.SearchMessages.subject, { actor, groupId: group, q: 'q'.repeat(201) }],
    ];
    for (const [subject, data] of asks) {
      const r = await rawRequest(h.nc, subject, encode(data));
      assert.equal(r.error?.kind, 'validation', `${subject} ${JSON.stringify(data).slice(0, 120)}: ${JSON.stringify(r).slice(0, 300)}`);
    }
    assert.equal(await h.chat.events.head(), head);
  });

  it('still works afterwards', async () => {
    const sent = await call(h, 'POST', msgs(group), { token: bo.token, body: { text: 'after the storm', txnId: 'after' } });
    assert.equal(sent.status, 201, sent.text);
    const edited = await call(h, 'PATCH', one(group, mine.id), { token: ann.token, body: { text: 'the original, edited' } });
    assert.equal(edited.status, 200, edited.text);
    const page = (await history()) as { messages: any[] };
    assert.deepEqual(page.messages.filter((m) => m.kind === 'user').map((m) => m.text), ['the original, edited', 'after the storm']);
    const found = await call(h, 'GET', `${msgs(group)}/search?q=storm`, { token: ann.token });
    assert.equal(found.body.results.length, 1, found.text);
    assert.equal((await call(h, 'GET', `${msgs(group)}?limit=100&before=${sent.body.message.id}`, { token: ann.token })).status, 200);
  });
});
