/** A first pass through the location routes: fixes in, live view out, SOS, track. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call } from '../support/http.ts';
import { joinGroup, makeGroup, signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

describe('location: smoke', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('loc-smoke');
  let h: InProcessHearth;
  let ann: User;
  let bo: User;
  let group: string;

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    [ann, bo] = [await signUp(h, 'Ann'), await signUp(h, 'Bo')];
    group = await makeGroup(h, ann, 'Family');
    await joinGroup(h, group, ann, bo);
  });
  after(() => h?.stop());

  it('records a fix and shows it in the live view', async () => {
    await waitFor('bo in location', async () => {
      const r = await call(h, 'POST', '/v1/locations', { token: bo.token, body: { lat: 52.52, lon: 13.405, timestamp: new Date().toISOString(), accuracy: 10, battery: 80 } });
      assert.equal(r.status, 200, r.text);
      return r.body.groups.length === 1 || undefined;
    });
    const live = await call(h, 'GET', `/v1/groups/${group}/live`, { token: ann.token });
    assert.equal(live.status, 200, live.text);
    const me = live.body.members.find((m: any) => m.userId === bo.userId);
    assert.equal(me.state, 'active');
    assert.equal(me.lastFix.lat, 52.52);
    const sos = await call(h, 'POST', `/v1/groups/${group}/sos`, { token: bo.token });
    assert.equal(sos.status, 201, sos.text);
    assert.equal(sos.body.state, 'sos');
    const track = await call(h, 'GET', `/v1/groups/${group}/members/${bo.userId}/track`, { token: ann.token });
    assert.equal(track.status, 200, track.text);
    assert.equal(track.body.total, 1);
    const gpx = await call(h, 'GET', `/v1/groups/${group}/members/${bo.userId}/track?format=gpx`, { token: ann.token });
    assert.equal(gpx.status, 200);
    assert.match(gpx.text, /<trkpt lat="52.52" lon="13.405">/);
  });
});
