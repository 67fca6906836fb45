/**
 * Two instances of the location service on one database, sharing the work through the
 * queue group (as `services.location.instances: 2` runs them): fixes through either are
 * recorded once, and their timers — both ticking — decide each deadline once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { locationService } from '../../services/location/index.ts';
import type { RunningService } from '../../src/kit/index.ts';
import { logSink, startService } from '../support/service.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';
import { call } from '../support/http.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import type { User } from '../support/accounts.ts';
import { family } from '../support/family.ts';
import { waitFor } from '../support/poll.ts';

describe('location: two instances', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('loc-instances');
  let h: InProcessHearth;
  let second: RunningService;
  let ann: User;
  let bo: User;
  let group: string;

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, (c) => void (c.location.offline_grace_s = 1));
    // The harness names its databases location-<n>.db; the second instance opens the same file.
    const [row] = await h.location.db.query('PRAGMA database_list');
    second = await startService(locationService(), broker().url, String(row!.file), { settings: h.config, log: logSink().options, catchupMs: 500 });
    ({ users: [ann, bo], group } = await family(h, ['Ann', 'Bo']));
  });
  after(async () => {
    await second?.stop();
    await h?.stop();
  });

  it('records every fix once and goes offline once, with two instances in the queue group and both ticking', async () => {
    const base = Date.now();
    for (let i = 0; i < 40; i++) {
      const r = await call(h, 'POST', '/v1/locations', { token: bo.token, body: { lat: 48 + i / 1000, lon: 2, timestamp: new Date(base - 40_000 + i * 1000).toISOString() } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.accepted, 1);
    }
    const served = await Promise.all([h.location, second].map(async (s) => Number((await s.db.query("SELECT count(*) AS n FROM kit_events WHERE type = 'location.sampled'"))[0]!.n)));
    assert.equal(served[0], 40, 'one log, seen from both');
    await waitFor('Bo offline', async () => {
      const live = await call(h, 'GET', `/v1/groups/${group}/live`, { token: ann.token });
      return live.body.members.find((m: { userId: string }) => m.userId === bo.userId)?.state === 'inactive' || undefined;
    }, 5000);
    await new Promise((r) => setTimeout(r, 1500)); // a few more ticks of both instances
    const [offline] = await h.location.db.query("SELECT count(*) AS n FROM kit_events WHERE type = 'state.went_offline'");
    assert.equal(Number(offline!.n), 1);
    const track = await call(h, 'GET', `/v1/groups/${group}/members/${bo.userId}/track?from=${new Date(base - 60_000).toISOString()}`, { token: ann.token });
    assert.equal(track.body.total, 40);
  });
});
