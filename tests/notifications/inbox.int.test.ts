/**
 * The inbox through the gateway: cursor pages both ways, the unread count, marking read
 * (by id, up to one, all), another user's id refused as a cursor, and a client that was
 * away asking for everything `since` the last id it saw — getting exactly what it missed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertProblem, call } from '../support/http.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import type { User } from '../support/accounts.ts';
import { inbox, notifiedFamily, waitInbox } from './support.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

describe('notifications: the inbox', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('notif-inbox');
  let h: InProcessHearth;
  let ann: User;
  let bo: User;
  let group: string;
  let sent = 0;
  const mention = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const r = await call(h, 'POST', `/v1/groups/${group}/messages`, { token: ann.token, body: { text: `@Bo note ${++sent}`, txnId: `n${sent}` } });
      assert.equal(r.status, 201, r.text);
    }
    return waitInbox(h, bo, sent, (x) => x.type === 'mention');
  };

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    ({ users: [ann, bo], group } = await notifiedFamily(h, ['Ann', 'Bo']));
    await mention(25);
  });
  after(() => h?.stop());

  it('pages newest first with before, and oldest first after since, without gaps or repeats', async () => {
    const seen: string[] = [];
    let q = '?limit=10';
    for (;;) {
      const page = await inbox(h, bo, q);
      seen.push(...page.items.map((x) => x.body));
      if (!page.hasMore) break;
      q = `?limit=10&before=${page.items.at(-1).id}`;
    }
    assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => `@Bo note ${25 - i}`));

    const all = (await inbox(h, bo, '?limit=100')).items.reverse();
    const caughtUp: string[] = [];
    let since = all[4].id;
    for (;;) {
      const page = await inbox(h, bo, `?limit=7&since=${since}`);
      caughtUp.push(...page.items.map((x) => x.body));
      if (!page.hasMore) break;
      since = page.items.at(-1).id;
    }
    assert.deepEqual(caughtUp, Array.from({ length: 20 }, (_, i) => `@Bo note ${i + 6}`));
  });

  it('counts unread and marks read by id, up to one, and all (each once)', async () => {
    const all = (await inbox(h, bo, '?limit=100')).items.reverse();
    assert.equal((await inbox(h, bo)).unread, 25);
    const byId = await call(h, 'POST', '/v1/notifications/read', { token: bo.token, body: { ids: [all[0].id, all[1].id] } });
    assert.deepEqual(byId.body, { marked: 2, unread: 23 });
    assert.deepEqual((await call(h, 'POST', '/v1/notifications/read', { token: bo.token, body: { ids: [all[0].id] } })).body, { marked: 0, unread: 23 });
    assert.deepEqual((await call(h, 'POST', '/v1/notifications/read', { token: bo.token, body: { upTo: all[9].id } })).body, { marked: 8, unread: 15 });
    const unreadOnly = await inbox(h, bo, '?unread=true&limit=100');
    assert.deepEqual(unreadOnly.items.map((x) => x.body).reverse(), Array.from({ length: 15 }, (_, i) => `@Bo note ${i + 11}`));
    assert.ok((await inbox(h, bo, '?limit=100')).items.filter((x) => x.readAt !== null).length === 10);
    assert.deepEqual((await call(h, 'POST', '/v1/notifications/read', { token: bo.token, body: { all: true } })).body, { marked: 15, unread: 0 });
    assert.equal((await inbox(h, ann)).unread > 0, true, 'Ann\u2019s inbox is hers: untouched');
  });

  it('refuses another user\u2019s notification as a cursor or a mark, saying nothing about it', async () => {
    const bos = (await inbox(h, bo)).items[0].id;
    assertProblem(await call(h, 'GET', `/v1/notifications?since=${bos}`, { token: ann.token }), 404, 'notifications.no_cursor');
    assertProblem(await call(h, 'GET', `/v1/notifications?before=${bos}`, { token: ann.token }), 404, 'notifications.no_cursor');
    assertProblem(await call(h, 'POST', '/v1/notifications/read', { token: ann.token, body: { ids: [bos] } }), 404, 'notifications.no_cursor');
    assertProblem(await call(h, 'POST', '/v1/notifications/read', { token: ann.token, body: { upTo: bos } }), 404, 'notifications.no_cursor');
    const still = (await inbox(h, bo, '?limit=100')).items.find((x) => x.id === bos);
    assert.ok(still, 'Bo\u2019s notification is still there');
  });

  it('gives a client that was away exactly what it missed, since the last id it saw', async () => {
    const last = (await inbox(h, bo)).items[0].id;
    await mention(3);
    const missed = await inbox(h, bo, `?since=${last}`);
    assert.deepEqual(missed.items.map((x) => x.body), ['@Bo note 26', '@Bo note 27', '@Bo note 28']);
    assert.equal(missed.hasMore, false);
    assert.equal(missed.unread, 3);
  });
});
