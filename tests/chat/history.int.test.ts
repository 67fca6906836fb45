/**
 * Reading chat through the real gateway, users, location and chat services: history pages
 * (newest first page, walking back with `before`, forward with `after`, by message id or
 * instant, limits) that stay put while messages are edited and deleted between fetches;
 * read markers and unread counts; and full-text search. The chat clock is held still while
 * the history is written, so each message has a known instant.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertProblem, call, type Answer } from '../support/http.ts';
import { makeGroup, signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { family } from '../support/family.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

const COUNT = 130;
const STEP = 1000;

describe('chat: history, read markers and search', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('chat-history');
  let h: InProcessHearth;
  let fixed: number | undefined;
  let base = 0;

  const get = (u: User, g: string, q = ''): Promise<Answer> => call(h, 'GET', `/v1/groups/${g}/messages${q}`, { token: u.token });
  const page = async (u: User, g: string, q = ''): Promise<{ messages: any[]; hasMore: boolean }> => {
    const r = await get(u, g, q);
    assert.equal(r.status, 200, `${q}: ${r.text}`);
    return r.body;
  };
  const send = async (u: User, g: string, text: string, txnId: string): Promise<any> => {
    const r = await call(h, 'POST', `/v1/groups/${g}/messages`, { token: u.token, body: { text, txnId } });
    assert.equal(r.status, 201, r.text);
    return r.body.message;
  };
  const ids = (ms: { id: string }[]): string[] => ms.map((m) => m.id);
  /** The group's message ids in order, from chat's read model. */
  const stored = async (g: string): Promise<string[]> => (await h.chat.db.query('SELECT id FROM messages WHERE group_id = ? ORDER BY seq', [g])).map((r) => String(r.id));
  const at = (ms: number): string => encodeURIComponent(new Date(ms).toISOString());
  async function chatFamily(names: string[], groupName: string): Promise<{ users: User[]; group: string }> {
    const f = await family(h, names, groupName);
    for (const u of f.users) await waitFor(`chat knows ${u.name}`, async () => (await get(u, f.group)).status === 200 || undefined);
    return f;
  }

  /** Waits until each of `who` has their `member_joined` system message (the owner too). */
  async function joined(viewer: User, g: string, who: User[]): Promise<void> {
    await waitFor('the joins in the history', async () => {
      const sys = (await page(viewer, g)).messages.filter((m) => m.system?.type === 'member_joined').map((m) => m.system.userId);
      return who.every((u) => sys.includes(u.userId)) || undefined;
    });
  }

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, undefined, { now: () => fixed ?? Date.now() });
  });
  after(() => h?.stop());

  describe('history pages', () => {
    let ann: User, bo: User;
    let group: string;
    const sent: any[] = [];

    before(async () => {
      ({ users: [ann, bo], group } = await chatFamily(['Ann', 'Bo'], 'History'));
      await joined(ann, group, [ann, bo]);
      base = Date.now() + 5000;
      for (let i = 0; i < COUNT; i++) {
        fixed = base + i * STEP;
        sent.push(await send(i % 2 ? bo : ann, group, `message ${i}`, `h-${i}`));
      }
      fixed = undefined;
    });

    it('walks back from the newest page with before=<first id> to the start, in order, each message once', async () => {
      const all = await stored(group);
      assert.equal(all.length, COUNT + 2, 'the messages, Ann\u2019s and Bo\u2019s joins');
      let p = await page(bo, group);
      assert.equal(p.messages.length, 50);
      assert.equal(p.hasMore, true);
      assert.deepEqual(ids(p.messages), ids(sent.slice(-50)), 'the newest 50, oldest first');
      const walked = [...p.messages];
      const sizes = [p.messages.length];
      while (p.hasMore) {
        p = await page(bo, group, `?before=${p.messages[0].id}`);
        walked.unshift(...p.messages);
        sizes.push(p.messages.length);
      }
      assert.deepEqual(sizes, [50, 50, 32]);
      assert.deepEqual(ids(walked), all);
      const seqs = walked.map((m) => m.seq);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
      assert.equal(new Set(seqs).size, seqs.length);
    });

    it('walks forward with after=, from an instant before everything', async () => {
      const all = await stored(group);
      let p = await page(ann, group, `?after=${at(0)}&limit=40`);
      const walked = [...p.messages];
      while (p.hasMore) {
        p = await page(ann, group, `?after=${p.messages.at(-1).id}&limit=40`);
        walked.push(...p.messages);
      }
      assert.deepEqual(ids(walked), all);
      assert.deepEqual(await page(ann, group, `?after=${sent.at(-1).id}`), { messages: [], hasMore: false });
    });

    it('pages by instant: before takes what was sent earlier, after what was sent later', async () => {
      const m = (i: number) => sent[i].id;
      let p = await page(ann, group, `?before=${at(base + 50 * STEP)}`);
      assert.deepEqual(ids(p.messages), ids(sent.slice(0, 50)));
      assert.equal(p.hasMore, true, 'Bo\u2019s join is older still');
      p = await page(ann, group, `?before=${at(base + 50.5 * STEP)}&limit=10`);
      assert.deepEqual(ids(p.messages), ids(sent.slice(41, 51)));
      const offset = encodeURIComponent(new Date(base + 50.5 * STEP + 2 * 3_600_000).toISOString().replace('Z', '+02:00'));
      assert.deepEqual(ids((await page(ann, group, `?before=${offset}&limit=10`)).messages), ids(sent.slice(41, 51)), 'an offset names the same instant');
      p = await page(ann, group, `?after=${at(base + 79.5 * STEP)}`);
      assert.deepEqual(ids(p.messages), ids(sent.slice(80)));
      assert.equal(p.hasMore, false);
      p = await page(ann, group, `?after=${at(base + 80 * STEP)}&limit=20`);
      assert.equal(p.messages[0].id, m(81), 'after an instant excludes a message sent at it');
      assert.equal(p.hasMore, true);
      assert.deepEqual(await page(ann, group, `?after=${at(base + 1_000 * STEP)}`), { messages: [], hasMore: false });
      assert.deepEqual(await page(ann, group, `?before=${at(base - 3_600_000)}`), { messages: [], hasMore: false });
      assert.deepEqual(ids((await page(ann, group, `?before=${at(base + 1_000 * STEP)}`)).messages), ids(sent.slice(-50)));
    });

    it('takes limits from 1 to 100', async () => {
      let p = await page(ann, group, '?limit=1');
      assert.deepEqual(ids(p.messages), [sent.at(-1).id]);
      assert.equal(p.hasMore, true);
      p = await page(ann, group, '?limit=100');
      assert.deepEqual(ids(p.messages), ids(sent.slice(-100)));
      p = await page(ann, group, `?before=${sent[10].id}&limit=7`);
      assert.deepEqual(ids(p.messages), ids(sent.slice(3, 10)));
      for (const limit of ['0', '101']) assertProblem(await get(ann, group, `?limit=${limit}`), 400);
    });

    it('refuses both cursors at once, and an unknown or foreign message id as a cursor', async () => {
      assertProblem(await get(ann, group, `?before=${sent[50].id}&after=${sent[10].id}`), 400, 'chat.two_cursors');
      const nowhere = '01900000-0000-7000-8000-00000000dead';
      assertProblem(await get(ann, group, `?before=${nowhere}`), 404, 'chat.no_message');
      assertProblem(await get(ann, group, `?after=${nowhere}`), 404, 'chat.no_message');
      const other = await makeGroup(h, ann, 'Elsewhere');
      await waitFor('chat knows Ann in Elsewhere', async () => (await get(ann, other)).status === 200 || undefined);
      const foreign = await send(ann, other, 'somewhere else', 'foreign');
      assertProblem(await get(ann, group, `?before=${foreign.id}`), 404, 'chat.no_message');
    });

    it('keeps pages stable when messages are edited, deleted and sent between fetches', async () => {
      const first = await page(bo, group, '?limit=30');
      const expected = ids(sent.slice(-60, -30));
      const cursor = first.messages[0];
      const editedId = sent.at(-46).id;
      const deletedId = sent.at(-50).id;
      assert.equal(sent.at(-46).authorId, ann.userId);
      assert.equal((await call(h, 'PATCH', `/v1/groups/${group}/messages/${editedId}`, { token: ann.token, body: { text: 'rewritten' } })).status, 200);
      assert.equal((await call(h, 'DELETE', `/v1/groups/${group}/messages/${deletedId}`, { token: ann.token })).status, 200);
      assert.equal((await call(h, 'DELETE', `/v1/groups/${group}/messages/${cursor.id}`, { token: ann.token })).status, 200, 'the cursor itself goes');
      await send(bo, group, 'a newer message', 'h-late');
      const second = await page(bo, group, `?before=${cursor.id}&limit=30`);
      assert.deepEqual(ids(second.messages), expected);
      assert.equal(second.messages.find((m) => m.id === editedId).text, 'rewritten');
      const gone = second.messages.find((m) => m.id === deletedId);
      assert.equal(gone.text, null);
      assert.equal(typeof gone.deletedAt, 'string');
      const forward = await page(bo, group, `?after=${deletedId}&limit=5`);
      assert.deepEqual(ids(forward.messages), ids(sent.slice(-49, -44)));
    });
  });

  describe('read markers and unread counts', () => {
    let dee: User, eli: User, fay: User;
    let group: string;
    const unreadOf = async (u: User): Promise<any[]> => {
      const r = await call(h, 'GET', '/v1/me/unread', { token: u.token });
      assert.equal(r.status, 200, r.text);
      return r.body.groups;
    };
    const mark = (u: User, messageId: string): Promise<Answer> => call(h, 'PUT', `/v1/groups/${group}/read-marker`, { token: u.token, body: { messageId } });
    const moves = async (u: User): Promise<number> => (await h.chat.events.read(0, 100_000)).filter((e) => e.type === 'read.marker_moved' && (e.data as any).userId === u.userId).length;

    before(async () => {
      ({ users: [dee, eli, fay], group } = await chatFamily(['Dee', 'Eli', 'Fay'], 'Unread'));
      await joined(dee, group, [dee, eli, fay]);
    });

    it('counts everything by others, system messages included, before any marker', async () => {
      const all = (await page(eli, group)).messages;
      const expected = all.filter((m) => m.authorId !== eli.userId && m.deletedAt === null).length;
      assert.ok(expected >= 3, 'three joins');
      assert.deepEqual(await unreadOf(eli), [{ groupId: group, unread: expected, readUpTo: null }]);
    });

    it('counts only others\u2019 live messages after the marker, never moves back, and reaches 0 at the newest', async () => {
      const newest = (await page(eli, group)).messages.at(-1);
      const zero = await mark(eli, newest.id);
      assert.equal(zero.status, 200, zero.text);
      assert.deepEqual(zero.body, { messageId: newest.id, unread: 0 });

      const d1 = await send(dee, group, 'd1', 'd1');
      const d2 = await send(dee, group, 'd2', 'd2');
      await send(eli, group, 'e1', 'e1');
      const d3 = await send(dee, group, 'd3', 'd3');
      await send(eli, group, 'e2', 'e2');
      const f1 = await send(fay, group, 'f1', 'f1');
      assert.equal((await call(h, 'DELETE', `/v1/groups/${group}/messages/${d2.id}`, { token: dee.token })).status, 200);
      assert.deepEqual(await unreadOf(eli), [{ groupId: group, unread: 3, readUpTo: newest.id }], 'd1, d3 and f1');

      const r = await mark(eli, d1.id);
      assert.deepEqual(r.body, { messageId: d1.id, unread: 2 });
      const movedBefore = await moves(eli);
      for (const older of [newest.id, (await page(eli, group)).messages[0].id, d1.id]) {
        const back = await mark(eli, older);
        assert.equal(back.status, 200, back.text);
        assert.deepEqual(back.body, { messageId: d1.id, unread: 2 }, 'the marker stays');
      }
      assert.equal(await moves(eli), movedBefore, 'no event for a marker that did not move');
      assert.deepEqual(await unreadOf(eli), [{ groupId: group, unread: 2, readUpTo: d1.id }]);

      assert.deepEqual((await mark(eli, f1.id)).body, { messageId: f1.id, unread: 0 });
      assert.deepEqual(await unreadOf(eli), [{ groupId: group, unread: 0, readUpTo: f1.id }]);
      assert.equal((await unreadOf(fay))[0].readUpTo, null, 'Eli\u2019s marker is Eli\u2019s');
      assert.ok(d3.seq > d1.seq);
    });

    it('refuses a marker on another group\u2019s message', async () => {
      const other = await makeGroup(h, eli, 'Eli alone');
      await waitFor('chat knows Eli alone', async () => (await get(eli, other)).status === 200 || undefined);
      const foreign = await send(eli, other, 'mine', 'eli-alone');
      assertProblem(await mark(eli, foreign.id), 404, 'chat.no_message');
      assert.equal((await unreadOf(eli)).find((g) => g.groupId === group).unread, 0);
    });
  });

  describe('search', () => {
    let gus: User, hal: User, ivy: User;
    let group: string, other: string;
    const m: Record<string, any> = {};
    const search = (u: User, q: string, g = group, extra = ''): Promise<Answer> => call(h, 'GET', `/v1/groups/${g}/messages/search?q=${encodeURIComponent(q)}${extra}`, { token: u.token });
    const found = async (q: string, u: User = hal, g = group): Promise<string[]> => {
      const r = await search(u, q, g);
      assert.equal(r.status, 200, `${q}: ${r.text}`);
      for (const x of r.body.results) assert.equal(x.message.groupId, g);
      return r.body.results.map((x: any) => x.message.id).sort();
    };
    const idsOf = (...keys: string[]): string[] => keys.map((k) => m[k].id).sort();

    before(async () => {
      ({ users: [gus, hal], group } = await chatFamily(['Gus', 'Hal'], 'Search'));
      ivy = await signUp(h, 'Ivy');
      other = await makeGroup(h, ivy, 'Ivy\u2019s');
      await waitFor('chat knows Ivy', async () => (await get(ivy, other)).status === 200 || undefined);
      m.cafe = await send(gus, group, 'Let\u2019s meet at the caf\u00E9 tomorrow', 's1');
      m.bring = await send(hal, group, 'Bring the umbrella please', 's2');
      m.umbrellas = await send(gus, group, 'Umbrellas are in the hall', 's3');
      m.zebra = await send(hal, group, 'The zebra crossing is closed', 's4');
      m.pasta = await send(gus, group, 'Dinner: pasta with pesto', 's5');
      m.ivyUmbrella = await send(ivy, other, 'An umbrella in another group', 'i1');
      m.ivyCafe = await send(ivy, other, 'caf\u00E9 elsewhere, tomorrow', 'i2');
    });

    it('matches words in any order, the last as a prefix only, whatever the case', async () => {
      assert.deepEqual(await found('umbrella'), idsOf('bring', 'umbrellas'));
      assert.deepEqual(await found('bring umbrella'), idsOf('bring'));
      assert.deepEqual(await found('tomorrow meet'), idsOf('cafe'));
      assert.deepEqual(await found('tomor'), idsOf('cafe'));
      assert.deepEqual(await found('tomor meet'), [], 'only the last word is a prefix');
      assert.deepEqual(await found('PASTA'), idsOf('pasta'));
      assert.deepEqual(await found('dinner:'), idsOf('pasta'));
      const one = await search(hal, 'umbrella', group, '&limit=1');
      assert.equal(one.body.results.length, 1);
      const z = await search(hal, 'zebra');
      assert.match(z.body.results[0].snippet, /\[zebra\]/i);
    });

    it('ignores diacritics: cafe finds caf\u00E9', async () => {
      assert.deepEqual(await found('cafe'), idsOf('cafe'));
      assert.deepEqual(await found('caf\u00E9'), idsOf('cafe'));
      assert.deepEqual(await found('CAFE TOMORROW'), idsOf('cafe'));
    });

    it('finds only the group\u2019s own messages', async () => {
      assert.deepEqual(await found('umbrella', ivy, other), idsOf('ivyUmbrella'));
      assert.deepEqual(await found('elsewhere'), []);
      assert.deepEqual(await found('another'), []);
    });

    it('answers odd queries with results or a 400, never a server error', async () => {
      for (const q of ['"', '""', '"umbrella', 'AND OR NOT (', '*', 'umbrella*', 'NEAR(bring umbrella)', 'text:umbrella', '-umbrella', '^umbrella', "'", ')', '{text}: x', '\\', '%', '_', 'a OR b', '\u{1F600}', 'NOT']) {
        const r = await search(hal, q);
        assert.ok(r.status === 200 || r.status === 400, `${JSON.stringify(q)} answered ${r.status}: ${r.text}`);
        if (r.status === 400) assertProblem(r, 400);
        else for (const x of r.body.results) assert.equal(x.message.groupId, group);
      }
      assert.deepEqual(await found('"umbrella'), idsOf('bring', 'umbrellas'), 'a quote is just a character');
    });

    it('forgets deleted messages and reindexes edited ones', async () => {
      assert.deepEqual(await found('zebra'), idsOf('zebra'));
      assert.equal((await call(h, 'DELETE', `/v1/groups/${group}/messages/${m.zebra.id}`, { token: hal.token })).status, 200);
      assert.deepEqual(await found('zebra'), []);
      assert.deepEqual(await found('crossing closed'), []);
      const r = await call(h, 'PATCH', `/v1/groups/${group}/messages/${m.bring.id}`, { token: hal.token, body: { text: 'Bring the raincoat please' } });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(await found('raincoat'), idsOf('bring'));
      assert.deepEqual(await found('umbrella'), idsOf('umbrellas'));
      const hit = (await search(hal, 'raincoat')).body.results[0].message;
      assert.equal(hit.text, 'Bring the raincoat please');
      assert.equal(typeof hit.editedAt, 'string');
    });
  });
});
