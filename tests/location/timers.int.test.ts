/**
 * The passing of time through the real gateway: a member who stops reporting goes offline
 * (`state.went_offline`, state `inactive`) once the next fix was due plus the grace, with
 * the phone's reporting interval credited up to `max_report_interval_s`; a new fix brings
 * them back; and a deadline kept in the database fires after the service restarts.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { call } from '../support/http.ts';
import { joinGroup, makeGroup, signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

describe('location: timers', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('loc-timers');
  let h: InProcessHearth;
  let ann: User;
  let group: string;

  const fix = async (u: User, at = Date.now(), lat = 52.52) => {
    const r = await call(h, 'POST', '/v1/locations', { token: u.token, body: { lat, lon: 13.405, timestamp: new Date(at).toISOString() } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.groups, [group]);
  };
  const stateOf = async (u: User): Promise<string> => {
    const r = await call(h, 'GET', `/v1/groups/${group}/live`, { token: ann.token });
    assert.equal(r.status, 200, r.text);
    return r.body.members.find((m: any) => m.userId === u.userId).state;
  };
  const offlineEvents = async (u: User) =>
    (await h.location.events.read(0, 100_000)).filter((e) => e.stream === `scope:${group}:${u.userId}` && e.type === 'state.went_offline');
  const member = async (name: string) => {
    const u = await signUp(h, name);
    await joinGroup(h, group, ann, u);
    await waitFor(`${name} known to the location service`, async () => {
      const r = await call(h, 'GET', `/v1/groups/${group}/live`, { token: ann.token });
      return r.body.members?.some((m: any) => m.userId === u.userId) || undefined;
    });
    return u;
  };

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, (c) => {
      c.location.offline_grace_s = 1;
      c.location.max_report_interval_s = 3;
    });
    ann = await signUp(h, 'Ann');
    group = await makeGroup(h, ann, 'Family');
  });
  after(() => h?.stop());

  it('turns a member inactive when no fix follows in time, and active again on the next fix', async () => {
    const bo = await member('Bo');
    const sent = Date.now();
    await fix(bo);
    assert.equal(await stateOf(bo), 'active');
    await waitFor('Bo inactive', async () => (await stateOf(bo)) === 'inactive' || undefined, 3000);
    assert.ok(Date.now() - sent >= 1000, 'not before the grace');
    const [offline, ...more] = await offlineEvents(bo);
    assert.ok(offline);
    assert.equal(more.length, 0, 'once');
    assert.equal((offline.data as { state: string }).state, 'inactive');
    assert.equal(typeof (offline.data as { lastSeen: string }).lastSeen, 'string');
    await fix(bo);
    assert.equal(await stateOf(bo), 'active');
  });

  it('credits the phone its reporting interval, capped at max_report_interval_s', async () => {
    const cy = await member('Cy');
    const now = Date.now();
    await fix(cy, now - 60_000, 52.5);
    await fix(cy, now, 52.51); // a minute apart: credited 3 s, plus the 1 s grace
    const sent = Date.now();
    await sleep(2000);
    assert.equal(await stateOf(cy), 'active', 'still within the credited interval');
    await waitFor('Cy inactive', async () => (await stateOf(cy)) === 'inactive' || undefined, 5000);
    assert.ok(Date.now() - sent >= 3500, 'not before interval + grace');
    assert.equal((await offlineEvents(cy)).length, 1);
  });

  it('keeps the offline deadline across a restart of the service', async () => {
    const di = await member('Di');
    await fix(di);
    await h.stopLocation();
    const stoppedAt = new Date().toISOString();
    await sleep(2000); // past the deadline, with nobody to notice
    await h.startLocation();
    await waitFor('Di inactive after the restart', async () => (await stateOf(di)) === 'inactive' || undefined, 4000);
    const [offline, ...more] = await offlineEvents(di);
    assert.ok(offline);
    assert.equal(more.length, 0);
    assert.ok(offline.at > stoppedAt, `decided by the restarted service (${offline.at} after ${stoppedAt})`);
  });
});
