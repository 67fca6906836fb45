/**
 * Chat writes through the real gateway, users, location and chat services: a send retried
 * concurrently is stored once; a txnId belongs to its author; a reply must stay in its
 * group; only the author edits, the author or an admin deletes (twice is fine); and the text
 * comes back exactly as it was given.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertProblem, call, type Answer } from '../support/http.ts';
import { makeGroup, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { family } from '../support/family.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

describe('chat: writes', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('chat-writes');
  let h: InProcessHearth;
  let ann: User, bo: User, cy: User;
  let group: string;

  const send = (u: User, body: Record<string, unknown>, g = group): Promise<Answer> => call(h, 'POST', `/v1/groups/${g}/messages`, { token: u.token, body });
  const edit = (u: User, id: string, text: string): Promise<Answer> => call(h, 'PATCH', `/v1/groups/${group}/messages/${id}`, { token: u.token, body: { text } });
  const remove = (u: User, id: string): Promise<Answer> => call(h, 'DELETE', `/v1/groups/${group}/messages/${id}`, { token: u.token });
  const history = async (u: User = ann): Promise<any[]> => {
    const r = await call(h, 'GET', `/v1/groups/${group}/messages?limit=100`, { token: u.token });
    assert.equal(r.status, 200, r.text);
    return r.body.messages;
  };
  /** chat's own events of one type, from its log. */
  const logged = async (type: string): Promise<any[]> => (await h.chat.events.read(0, 100_000)).filter((e) => e.type === type);
  const sent = async (u: User, text: string, txnId: string): Promise<any> => {
    const r = await send(u, { text, txnId });
    assert.equal(r.status, 201, r.text);
    return r.body.message;
  };

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    ({ users: [ann, bo, cy], group } = await family(h, ['Ann', 'Bo', 'Cy']));
    for (const u of [ann, bo, cy]) {
      await waitFor(`chat knows ${u.name}`, async () => (await call(h, 'GET', `/v1/groups/${group}/messages`, { token: u.token })).status === 200 || undefined);
    }
  });
  after(() => h?.stop());

  it('stores a send retried ten times at once exactly once, and answers every retry with the same message', async () => {
    const body = { text: 'Who picks up the kids?', txnId: 'retry-storm-1' };
    const answers = await Promise.all(Array.from({ length: 10 }, () => send(ann, body)));
    for (const a of answers) assert.ok(a.status === 200 || a.status === 201, a.text);
    const ids = new Set(answers.map((a) => a.body.message.id));
    assert.equal(ids.size, 1, `one message id for every retry: ${[...ids].join(', ')}`);
    assert.equal(answers.filter((a) => a.body.duplicate === false).length, 1, 'exactly one answer is the original');
    const [id] = [...ids];
    assert.equal((await history()).filter((m) => m.id === id || m.text === body.text).length, 1);
    const events = (await logged('message.sent')).filter((e) => e.data.txnId === body.txnId);
    assert.equal(events.length, 1, 'one message.sent event');
    assert.equal(events[0].data.message.id, id);
  });

  it('answers a retry with changed text with the first message, unchanged', async () => {
    const first = await sent(bo, 'first wording', 'bo-changed');
    const again = await send(bo, { text: 'second wording', txnId: 'bo-changed' });
    assert.ok(again.status < 300, again.text);
    assert.equal(again.body.duplicate, true);
    assert.deepEqual(again.body.message, first);
    assert.equal((await history()).some((m) => m.text === 'second wording'), false);
  });

  it('lets different authors use the same txnId', async () => {
    const a = await send(ann, { text: 'Ann says hi', txnId: 'shared-txn' });
    const b = await send(bo, { text: 'Bo says hi', txnId: 'shared-txn' });
    assert.equal(a.status, 201, a.text);
    assert.equal(b.status, 201, b.text);
    assert.equal(a.body.duplicate, false);
    assert.equal(b.body.duplicate, false);
    assert.notEqual(a.body.message.id, b.body.message.id);
    assert.equal(b.body.message.authorId, bo.userId);
    const texts = (await history()).map((m) => m.text);
    assert.ok(texts.includes('Ann says hi') && texts.includes('Bo says hi'), JSON.stringify(texts));
    assert.equal((await logged('message.sent')).filter((e) => e.data.txnId === 'shared-txn').length, 2);
  });

  it('accepts a reply within the group and refuses one to another group\u2019s message', async () => {
    const target = await sent(ann, 'Reply to me', 'reply-target');
    const reply = await send(bo, { text: 'Replying', txnId: 'reply-ok', replyTo: target.id });
    assert.equal(reply.status, 201, reply.text);
    assert.equal(reply.body.message.replyTo, target.id);

    const other = await makeGroup(h, ann, 'Other');
    await waitFor('chat knows Ann in Other', async () => (await call(h, 'GET', `/v1/groups/${other}/messages`, { token: ann.token })).status === 200 || undefined);
    const elsewhere = await send(ann, { text: 'In another group', txnId: 'elsewhere' }, other);
    assert.equal(elsewhere.status, 201, elsewhere.text);
    const before = (await history()).length;
    const cross = await send(ann, { text: 'Crossing groups', txnId: 'reply-cross', replyTo: elsewhere.body.message.id });
    assert.ok(cross.status === 400 || cross.status === 404, cross.text);
    assertProblem(cross, cross.status);
    assert.match(cross.body.code, /^chat\./);
    const unknown = await send(ann, { text: 'To nothing', txnId: 'reply-none', replyTo: '01900000-0000-7000-8000-00000000beef' });
    assert.ok(unknown.status === 400 || unknown.status === 404, unknown.text);
    assertProblem(unknown, unknown.status, cross.body.code);
    assert.equal((await history()).length, before, 'nothing stored');
  });

  it('lets only the author edit, and not after a delete', async () => {
    const m = await sent(bo, 'Typo hre', 'edit-me');
    assertProblem(await edit(ann, m.id, 'Owner rewrites it'), 403, 'chat.not_author');
    assertProblem(await edit(cy, m.id, 'Cy rewrites it'), 403, 'chat.not_author');
    const fixed = await edit(bo, m.id, 'Typo here');
    assert.equal(fixed.status, 200, fixed.text);
    assert.equal(fixed.body.text, 'Typo here');
    assert.equal(typeof fixed.body.editedAt, 'string');
    const stored = (await history()).find((x) => x.id === m.id);
    assert.equal(stored.text, 'Typo here');
    assert.equal(stored.editedAt, fixed.body.editedAt);

    assert.equal((await remove(bo, m.id)).status, 200);
    assertProblem(await edit(bo, m.id, 'Back from the dead'), 409, 'chat.deleted');
    assert.equal((await history()).find((x) => x.id === m.id).text, null);
    assert.equal((await logged('message.edited')).filter((e) => e.data.messageId === m.id).length, 1);
  });

  it('lets the author and an admin delete, not another member; deleting twice is fine', async () => {
    const bos = await sent(bo, 'Bo\u2019s own', 'del-bo');
    const cys = await sent(cy, 'Cy\u2019s own', 'del-cy');
    const anns = await sent(ann, 'Ann\u2019s own', 'del-ann');

    assertProblem(await remove(bo, cys.id), 403, 'chat.not_author');
    assertProblem(await remove(cy, anns.id), 403, 'chat.not_author');
    assert.equal((await history()).find((x) => x.id === cys.id).text, 'Cy\u2019s own', 'a refused delete changes nothing');

    const own = await remove(bo, bos.id);
    assert.equal(own.status, 200, own.text);
    assert.equal(own.body.text, null);
    assert.equal(typeof own.body.deletedAt, 'string');
    const byOwner = await remove(ann, cys.id);
    assert.equal(byOwner.status, 200, byOwner.text);
    assert.equal(byOwner.body.text, null);

    const twice = await remove(bo, bos.id);
    assert.equal(twice.status, 200, twice.text);
    assert.equal(twice.body.deletedAt, own.body.deletedAt, 'the first deletion stands');
    const page = await history();
    for (const id of [bos.id, cys.id]) {
      const m = page.find((x) => x.id === id);
      assert.ok(m, 'a deleted message keeps its place');
      assert.equal(m.text, null);
    }
    assert.equal(page.find((x) => x.id === anns.id).text, 'Ann\u2019s own');
    assert.equal((await logged('message.deleted')).filter((e) => e.data.messageId === bos.id).length, 1, 'one delete event');
    assert.equal((await logged('message.deleted')).find((e) => e.data.messageId === cys.id).data.by, ann.userId);
  });

  it('does not let an admin delete a system message', async () => {
    const system = (await history()).find((m) => m.kind === 'system');
    assert.ok(system, 'joins left system messages');
    assertProblem(await remove(ann, system.id), 403, 'chat.not_author');
  });

  it('lets a member made admin delete others\u2019 messages, still not edit them', async () => {
    const target = await sent(bo, 'Admin will tidy this', 'admin-target');
    const promoted = await call(h, 'PUT', `/v1/groups/${group}/members/${cy.userId}/role`, { token: ann.token, body: { role: 'admin' } });
    assert.ok(promoted.status < 300, promoted.text);
    await waitFor('chat knows Cy is an admin', async () => (await h.chat.db.query("SELECT 1 FROM members WHERE group_id = ? AND user_id = ? AND role = 'admin'", [group, cy.userId])).length > 0 || undefined);
    assertProblem(await edit(cy, target.id, 'Admin rewrites it'), 403, 'chat.not_author');
    const r = await remove(cy, target.id);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.text, null);
  });

  it('returns text exactly as given: HTML, emoji, right-to-left, newlines, padding', async () => {
    const texts = [
      '<script>alert("x")</script> &amp; <b>bold</b> \' " `',
      '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466} \u{1F44D}\u{1F3FD} \u2764\uFE0F',
      '\u0645\u0631\u062D\u0628\u0627 \u200F\u0628\u0627\u0644\u0639\u0627\u0644\u0645 \u202Eabc\u202C',
      'line one\nline two\r\n\n\ttabbed',
      '   padded   ',
      'cafe\u0301 vs caf\u00E9',
      '%s %d {{name}} ${x} \\n \\u0000',
      'x'.repeat(3999) + '\u00E9',
    ];
    const ids: string[] = [];
    for (const [i, text] of texts.entries()) {
      const m = await sent(cy, text, `exact-${i}`);
      assert.equal(m.text, text, `reply to send #${i}`);
      ids.push(m.id);
    }
    const page = await history(bo);
    for (const [i, text] of texts.entries()) assert.equal(page.find((m) => m.id === ids[i]).text, text, `history #${i}`);
    const edited = await edit(cy, ids[0]!, texts[3]!);
    assert.equal(edited.body.text, texts[3]);
    assert.equal((await history(bo)).find((m) => m.id === ids[0]).text, texts[3]);
  });

  it('refuses a text holding U+0000, which the database could not give back whole', async () => {
    const before = (await history(bo)).length;
    const r = await call(h, 'POST', `/v1/groups/${group}/messages`, { token: cy.token, body: { text: 'before\u0000after', txnId: 'exact-nul' } });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.errors[0].path, 'body.text');
    assert.equal((await history(bo)).length, before);
  });
});
