/**
 * The location service's read models are projections of its log: `hearth rebuild location`
 * (a real process) empties them and replays the log, and what it builds equals what the
 * running service built — scopes (with their state and deadlines), fixes, snapshots, places
 * and suggestions — after fixes, a place, an SOS, a journey, a pause and an erasure.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnHearth } from '../support/hearth-process.ts';
import { sql } from '../support/database.ts';
import { call } from '../support/http.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import type { User } from '../support/accounts.ts';
import { family } from '../support/family.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

const TABLES = {
  scopes: 'SELECT group_id, user_id, state, status, sharing, deadline, seq, snapshot_seq FROM scopes ORDER BY group_id, user_id',
  fixes: 'SELECT * FROM fixes ORDER BY seq',
  snapshots: 'SELECT * FROM snapshots ORDER BY group_id, user_id, seq',
  places: 'SELECT * FROM places ORDER BY id',
  suggestions: 'SELECT * FROM suggestions ORDER BY id',
};

describe('location: rebuild', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('loc-rebuild');
  let h: InProcessHearth;
  let ann: User;
  let bo: User;
  let group: string;

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    ({ users: [ann, bo], group } = await family(h, ['Ann', 'Bo']));
  });
  after(() => h?.stop());

  it('rebuilds every projection of its own events to what the service had built', async () => {
    const t0 = Date.now() - 300_000;
    const fixes = Array.from({ length: 150 }, (_, i) => ({ lat: 48.85 + i / 10_000, lon: 2.29, timestamp: new Date(t0 + i * 1000).toISOString(), accuracy: 10 }));
    const ok = (a: { status: number; text: string }) => assert.ok(a.status < 300, a.text);
    ok(await call(h, 'POST', `/v1/groups/${group}/places`, { token: ann.token, body: { name: 'Home', lat: 48.85, lon: 2.29, radius: 100 } }));
    ok(await call(h, 'POST', '/v1/locations', { token: bo.token, body: { fixes } }));
    ok(await call(h, 'POST', '/v1/locations', { token: ann.token, body: { lat: 48.86, lon: 2.3, timestamp: new Date().toISOString() } }));
    ok(await call(h, 'POST', `/v1/groups/${group}/journey`, { token: bo.token, body: { mode: 'walking', destination: { name: 'School', lat: 48.9, lon: 2.3 }, expectedArrival: new Date(Date.now() + 3_600_000).toISOString() } }));
    ok(await call(h, 'POST', `/v1/groups/${group}/sos`, { token: ann.token, body: {} }));
    ok(await call(h, 'DELETE', `/v1/groups/${group}/sos`, { token: ann.token }));
    ok(await call(h, 'DELETE', `/v1/me/location-history?groupId=${group}`, { token: ann.token }));
    ok(await call(h, 'DELETE', `/v1/groups/${group}/sharing`, { token: bo.token }));

    const [row] = await h.location.db.query('PRAGMA database_list');
    const file = String(row!.file);
    await h.stopLocation();
    const built = Object.fromEntries(await Promise.all(Object.entries(TABLES).map(async ([t, q]) => [t, await sql(file, q)])));
    assert.equal(built.fixes.length, 150, 'Ann erased hers');
    assert.ok(built.snapshots.length >= 3);

    const data = join(dir, 'data');
    mkdirSync(data, { recursive: true });
    for (const ext of ['', '-wal']) if (existsSync(file + ext)) copyFileSync(file + ext, join(data, 'location.db' + ext));
    const r = spawnHearth('node', ['rebuild', 'location', '--data', data]);
    assert.equal(await r.exited, 0, r.output());
    for (const [t, q] of Object.entries(TABLES)) assert.deepEqual(await sql(join(data, 'location.db'), q), built[t], t);
    await h.startLocation();
  });
});
