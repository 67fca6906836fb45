/**
 * Retention and erasure in the notifications database: notifications past
 * `notifications.retention_days` go with their `notification.created` events and their
 * deliveries (and the log rows of those), in batches; newer ones stay.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call } from '../support/http.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import type { User } from '../support/accounts.ts';
import { eraseOld, readSettings } from '../../services/notifications/index.ts';
import { inbox, notifiedFamily, waitInbox } from './support.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

const DAY = 86_400_000;

describe('notifications: retention', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('notif-retention');
  let h: InProcessHearth;
  let ann: User;
  let bo: User;
  let group: string;
  const count = async (sql: string, args: string[] = []) => Number((await h.notifications.db.query(sql, args))[0]!.n);

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    ({ users: [ann, bo], group } = await notifiedFamily(h, ['Ann', 'Bo']));
    assert.equal((await call(h, 'POST', '/v1/notifications/targets', { token: bo.token, body: { kind: 'webhook', url: 'http://127.0.0.1:9/dead' } })).status, 201);
    for (let i = 0; i < 3; i++) assert.equal((await call(h, 'POST', `/v1/groups/${group}/messages`, { token: ann.token, body: { text: `@Bo old ${i}`, txnId: `o${i}` } })).status, 201);
    await waitInbox(h, bo, 3, (x) => x.body.startsWith('@Bo old'));
  });
  after(() => h?.stop());

  it('erases what is older than the window, with its events and deliveries, and keeps the rest', async () => {
    const settings = readSettings({ notifications: { retention_days: 30 } });
    const d = { db: h.notifications.db, events: h.notifications.events, settings, kick: () => {} };
    assert.equal(await eraseOld({ ...d, now: () => Date.now() + 29 * DAY }), 0, 'nothing is 30 days old yet');
    assert.ok((await count("SELECT count(*) AS n FROM deliveries WHERE user_id = ?", [bo.userId])) >= 3);
    const gone = await eraseOld({ ...d, now: () => Date.now() + 31 * DAY });
    assert.ok(gone >= 4, `the mentions and the join notices went (${gone})`);
    assert.deepEqual((await inbox(h, bo)).items, []);
    assert.deepEqual((await inbox(h, ann)).items, []);
    assert.equal(await count("SELECT count(*) AS n FROM kit_events WHERE type = 'notification.created'"), 0);
    assert.equal(await count('SELECT count(*) AS n FROM deliveries'), 0);
    assert.equal(await count('SELECT count(*) AS n FROM delivery_attempts'), 0);

    assert.equal((await call(h, 'POST', `/v1/groups/${group}/messages`, { token: ann.token, body: { text: '@Bo new', txnId: 'n1' } })).status, 201);
    await waitInbox(h, bo, 1, (x) => x.body === '@Bo new');
  });
});
