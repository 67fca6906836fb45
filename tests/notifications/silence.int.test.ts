/**
 * Stopped reporting, on a clock the test moves: a sharing member silent longer than the
 * group's setting is announced to the others once — also when the deadline passed while
 * the notifications service was down (after the start's grace), and not again after
 * restarts — and again only after they reported and fell silent anew. Pausing sharing is not silence. The timer looks every
 * second; "nothing more came" is checked after several of its ticks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call } from '../support/http.ts';
import type { User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { inbox, notifiedFamily, waitInbox } from './support.ts';
import { sleep, waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

const MIN = 60_000;
const HOME = { lat: 52.52, lon: 13.405 };

describe('notifications: stopped reporting', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('notif-silence');
  let h: InProcessHearth;
  let ann: User;
  let bo: User;
  let cy: User;
  let group: string;
  let offset = 0;
  const now = () => Date.now() + offset;
  const fix = async (u: User) => {
    const r = await call(h, 'POST', '/v1/locations', { token: u.token, body: { ...HOME, accuracy: 5, timestamp: new Date(now() - 1000).toISOString() } });
    assert.equal(r.status, 200, r.text);
  };
  const silences = async (u: User) => (await inbox(h, u, '?limit=100')).items.filter((x) => x.type === 'stopped_reporting');
  /** Waits until the silence watch holds Bo's latest report (the consumer has read it). */
  const watched = (u: User) =>
    waitFor(`${u.name}'s report in the silence watch`, async () => {
      const [r] = await h.notifications.db.query('SELECT last_ms, deadline FROM silence_watch WHERE group_id = ? AND user_id = ?', [group, u.userId]);
      return (r && r.deadline != null && Number(r.last_ms) >= now() - 5000) || undefined;
    });

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, undefined, { now });
    ({ users: [ann, bo, cy], group } = await notifiedFamily(h, ['Ann', 'Bo', 'Cy']));
    const set = await call(h, 'PATCH', `/v1/groups/${group}/alert-settings`, { token: ann.token, body: { silenceMinutes: 30 } });
    assert.equal(set.status, 200, set.text);
  });
  after(() => h?.stop());

  it('tells the others once when a sharing member falls silent, even across restarts and a deadline passed while down', async () => {
    await fix(bo);
    await watched(bo);
    offset += 20 * MIN; // not yet
    await sleep(2500);
    assert.deepEqual(await silences(ann), []);
    await h.stopNotifications();
    offset += 15 * MIN; // the deadline passes while the service is down
    await h.startNotifications();
    await sleep(2500);
    assert.deepEqual(await silences(ann), [], 'not at once after a start: an outage is not the phone\u2019s silence');
    offset += 16 * MIN; // past the start's grace
    const [n] = await waitInbox(h, ann, 1, (x) => x.type === 'stopped_reporting');
    assert.equal(n.title, 'Bo stopped reporting');
    assert.equal(n.body, 'Hearth has not heard from Bo\u2019s phone for over 30 minutes (Family). It may be switched off, out of battery or without a connection.');
    assert.equal(n.priority, 'high');
    assert.equal(n.actorId, bo.userId);
    await waitInbox(h, cy, 1, (x) => x.type === 'stopped_reporting');
    assert.deepEqual(await silences(bo), [], 'never the silent member');
    // Ann and Cy never reported: only members who reported are watched.
    assert.deepEqual((await silences(ann)).map((x) => x.actorId), [bo.userId]);
    await h.stopNotifications();
    await h.startNotifications();
    offset += 60 * MIN;
    await sleep(2500);
    assert.equal((await silences(ann)).length, 1, 'told once per silence, restarts or not');
    assert.equal((await silences(cy)).length, 1);
  });

  it('re-arms when the member reports again', async () => {
    await fix(bo);
    await watched(bo);
    offset += 31 * MIN;
    await waitInbox(h, ann, 2, (x) => x.type === 'stopped_reporting');
    await sleep(2500);
    assert.equal((await silences(ann)).length, 2);
  });

  it('a member who pauses sharing is not silent; a group that turned the alert off is not told', async () => {
    const about = async (u: User, who: User) => (await silences(u)).filter((x) => x.actorId === who.userId).length;
    await fix(bo);
    await watched(bo);
    const paused = await call(h, 'DELETE', `/v1/groups/${group}/sharing`, { token: bo.token });
    assert.ok(paused.status < 300, paused.text);
    await fix(cy);
    await watched(cy);
    offset += 31 * MIN;
    await waitInbox(h, ann, 1, (x) => x.type === 'stopped_reporting' && x.actorId === cy.userId);
    await sleep(2500);
    assert.equal(await about(ann, bo), 2, 'nothing about Bo, who paused');
    await fix(cy);
    await watched(cy);
    assert.equal((await call(h, 'PATCH', `/v1/groups/${group}/alert-settings`, { token: ann.token, body: { silenceMinutes: null } })).status, 200);
    offset += 120 * MIN;
    await sleep(2500);
    assert.equal(await about(ann, cy), 1, 'the alert is off');
  });
});
