/**
 * What the users service's deletions erase in the location service, through the real
 * gateway: a deleted group takes its places, scopes, tracks and every event of its streams
 * with it; a deleted account takes its scopes in every group and its suggestions. The
 * other members and groups keep theirs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call } from '../support/http.ts';
import { joinGroup, makeGroup, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { family, knownToLocation } from '../support/family.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

describe('location: erasure on deletions', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('loc-erasure');
  let h: InProcessHearth;
  let ann: User;
  let bo: User;
  let family1: string;
  let club: string;

  const fix = (u: User, lat: number) => call(h, 'POST', '/v1/locations', { token: u.token, body: { lat, lon: 2.3, timestamp: new Date().toISOString() } });
  const rows = async (sql: string, args: string[]) => Number((await h.location.db.query(sql, args))[0]!.n);
  const eventsOf = (prefix: string) => rows("SELECT count(*) AS n FROM kit_events WHERE stream LIKE ? || '%'", [prefix]);

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    ({ users: [ann, bo], group: family1 } = await family(h, ['Ann', 'Bo']));
    club = await makeGroup(h, bo, 'Club');
    await joinGroup(h, club, bo, ann);
    await knownToLocation(h, club, ann, bo);
    for (const [u, lat] of [[ann, 48.1], [bo, 48.2], [ann, 48.3], [bo, 48.4]] as const) assert.equal((await fix(u, lat)).status, 200);
    assert.equal((await call(h, 'POST', `/v1/groups/${club}/places`, { token: bo.token, body: { name: 'Court', lat: 48, lon: 2, radius: 50 } })).status, 201);
  });
  after(() => h?.stop());

  it('erases a deleted group: places, scopes, tracks and the events of its streams', async () => {
    assert.ok((await eventsOf(`scope:${club}:`)) > 0);
    assert.equal((await call(h, 'DELETE', `/v1/groups/${club}`, { token: bo.token })).status, 202);
    await waitFor('the club gone from location', async () => (await rows('SELECT count(*) AS n FROM members WHERE group_id = ?', [club])) === 0 || undefined);
    for (const t of ['scopes', 'fixes', 'snapshots', 'places']) assert.equal(await rows(`SELECT count(*) AS n FROM ${t} WHERE group_id = ?`, [club]), 0, t);
    assert.equal(await eventsOf(`scope:${club}:`), 0);
    assert.equal(await eventsOf(`places:${club}`), 0);
    assert.ok((await eventsOf(`scope:${family1}:`)) > 0, 'the other group keeps its history');
  });

  it('erases a deleted account in every group, and leaves the others as they were', async () => {
    const annBefore = await rows('SELECT count(*) AS n FROM fixes WHERE user_id = ?', [ann.userId]);
    const started = await call(h, 'DELETE', '/v1/me', { token: bo.token, body: { password: bo.password } });
    assert.equal(started.status, 202, started.text);
    // The account-deletion saga's location step erases what is left once Bo has left the groups.
    await waitFor('Bo gone from location', async () => (await rows('SELECT count(*) AS n FROM kit_saga_applied WHERE saga_id = ?', [started.body.sagaId])) > 0 || undefined, 10_000);
    for (const t of ['scopes', 'fixes', 'snapshots', 'suggestions']) assert.equal(await rows(`SELECT count(*) AS n FROM ${t} WHERE user_id = ?`, [bo.userId]), 0, t);
    assert.equal(await rows("SELECT count(*) AS n FROM kit_events WHERE stream LIKE '%:' || ?", [bo.userId]), 0);
    assert.equal(await rows('SELECT count(*) AS n FROM fixes WHERE user_id = ?', [ann.userId]), annBefore);
    const live = await call(h, 'GET', `/v1/groups/${family1}/live`, { token: ann.token });
    assert.deepEqual(live.body.members.map((m: { displayName: string }) => m.displayName), ['Ann']);
  });
});
