/**
 * Exactly once in effect: an event delivered again (the same envelope published twice),
 * a consumer stopped mid-batch and started again, and a consumer that re-reads its
 * sources from the start (its checkpoints gone, as in a rebuild) make no second
 * notification — the inbox is keyed on (event id, recipient).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encode, openDb } from '../../src/kit/index.ts';
import { call } from '../support/http.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import type { User } from '../support/accounts.ts';
import { inbox, notifiedFamily, waitInbox } from './support.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

describe('notifications: redelivery', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('notif-redelivery');
  let h: InProcessHearth;
  let ann: User;
  let bo: User;
  let cy: User;
  let group: string;
  let n = 0;
  const mentions = async (u: User) => (await inbox(h, u, '?limit=100')).items.filter((x) => x.type === 'mention').map((x) => x.body);
  const assertOnce = (bodies: string[], expected: number) => {
    assert.equal(new Set(bodies).size, bodies.length, `no duplicates: ${bodies.join(' | ')}`);
    assert.equal(bodies.length, expected);
  };

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    ({ users: [ann, bo, cy], group } = await notifiedFamily(h, ['Ann', 'Bo', 'Cy']));
  });
  after(() => h?.stop());

  it('ignores the same event published again', async () => {
    const sent = await call(h, 'POST', `/v1/groups/${group}/messages`, { token: ann.token, body: { text: '@Bo once', txnId: `r${++n}` } });
    assert.equal(sent.status, 201, sent.text);
    await waitInbox(h, bo, 1, (x) => x.body === '@Bo once');
    const [event] = (await h.chat.events.read(0, 10_000)).filter((e) => (e.data as { message?: { text?: string } }).message?.text === '@Bo once');
    for (let i = 0; i < 3; i++) h.chat.nc.publish(`evt.chat.${event!.type}`, encode(event));
    await h.chat.nc.flush();
    // A later message from the same source, once seen, shows the copies were dealt with.
    await call(h, 'POST', `/v1/groups/${group}/messages`, { token: ann.token, body: { text: '@Bo after', txnId: `r${++n}` } });
    await waitInbox(h, bo, 1, (x) => x.body === '@Bo after');
    assert.deepEqual((await mentions(bo)).filter((b) => b === '@Bo once'), ['@Bo once']);
  });

  it('makes each notification once when the service is stopped mid-batch and started again', async () => {
    const total = 60;
    const sending = (async () => {
      for (let i = 0; i < total; i++) {
        const r = await call(h, 'POST', `/v1/groups/${group}/messages`, { token: ann.token, body: { text: `@Bo @Cy batch ${i}`, txnId: `b${i}` } });
        assert.equal(r.status, 201, r.text);
      }
    })();
    await waitInbox(h, bo, 5, (x) => x.body.includes('batch'));
    await h.stopNotifications();
    await new Promise((r) => setTimeout(r, 300));
    await h.startNotifications();
    await sending;
    for (const u of [bo, cy]) {
      await waitInbox(h, u, total, (x) => x.body.includes('batch'));
      assertOnce((await mentions(u)).filter((b) => b.includes('batch')), total);
    }
    assert.deepEqual((await mentions(ann)).filter((b) => b.includes('batch')), [], 'the author is never told');
  });

  it('makes nothing twice when the consumers read every source again from the start', async () => {
    const before = { bo: await mentions(bo), cy: await mentions(cy), ann: (await inbox(h, ann, '?limit=100')).items.length };
    await h.stopNotifications();
    const db = await openDb({ path: `${dir}/notifications-1.db` });
    const gone = await db.write((tx) => tx.execute('DELETE FROM kit_checkpoints'));
    db.close();
    assert.ok(gone.rowsAffected >= 2, 'checkpoints of users and chat were there');
    await h.startNotifications();
    // The sources are read again: wait until the chat checkpoint is back at the chat log's head.
    await waitFor('chat read again', async () => {
      const head = (await h.chat.events.read(0, 100_000)).at(-1)!.seq;
      const [row] = await h.notifications.db.query("SELECT seq FROM kit_checkpoints WHERE source = 'chat'");
      return row && Number(row.seq) >= head ? true : undefined;
    }, 15_000);
    assert.deepEqual(await mentions(bo), before.bo);
    assert.deepEqual(await mentions(cy), before.cy);
    assert.equal((await inbox(h, ann, '?limit=100')).items.length, before.ann);
  });
});
