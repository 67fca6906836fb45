/**
 * Places through the real gateway: admins manage a group's circles (members may only read
 * them, refused at the edge), and members enter and leave them as their fixes say — entering
 * only with a fix inside and accurate enough, leaving only beyond the radius plus the
 * hysteresis, and leaving a place that was removed with their next fix. Entering and leaving
 * are `place.entered` / `place.left` events in the location service's log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertProblem, call } from '../support/http.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import type { User } from '../support/accounts.ts';
import { family } from '../support/family.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;
const north = (p: { lat: number; lon: number }, m: number) => ({ lat: p.lat + m / M_PER_DEG, lon: p.lon });
const HOME = { lat: 52.52, lon: 13.405 };

describe('location: places', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('loc-places');
  let h: InProcessHearth;
  let ann: User;
  let bo: User;
  let group: string;
  let placeId: string;
  let t = Date.now() - 600_000;

  const fix = async (p: { lat: number; lon: number }, accuracy?: number) => {
    const r = await call(h, 'POST', '/v1/locations', { token: bo.token, body: { ...p, timestamp: new Date((t += 1000)).toISOString(), ...(accuracy === undefined ? {} : { accuracy }) } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.accepted, 1);
  };
  const placesOfBo = async (): Promise<string[]> => {
    const r = await call(h, 'GET', `/v1/groups/${group}/live`, { token: ann.token });
    assert.equal(r.status, 200, r.text);
    return r.body.members.find((m: any) => m.userId === bo.userId).places;
  };
  const placeEvents = async () =>
    (await h.location.events.read(0, 100_000))
      .filter((e) => e.stream === `scope:${group}:${bo.userId}` && e.type.startsWith('place.'))
      .map((e) => ({ type: e.type, placeId: (e.data as { placeId: string }).placeId, name: (e.data as { name: string }).name }));
  const list = async (u: User) => {
    const r = await call(h, 'GET', `/v1/groups/${group}/places`, { token: u.token });
    assert.equal(r.status, 200, r.text);
    return r.body.places as any[];
  };

  before(async () => {
    h = await startInProcessHearth(broker().url, dir, (c) => void (c.location.place_hysteresis_m = 25));
    ({ users: [ann, bo], group } = await family(h, ['Ann', 'Bo']));
  });
  after(() => h?.stop());

  it('lets an admin create a place and refuses a member at the edge', async () => {
    const made = await call(h, 'POST', `/v1/groups/${group}/places`, { token: ann.token, body: { name: 'Home', ...HOME, radius: 100 } });
    assert.equal(made.status, 201, made.text);
    placeId = made.body.id;
    assert.deepEqual({ ...made.body, id: undefined, createdAt: undefined }, { id: undefined, createdAt: undefined, groupId: group, name: 'Home', ...HOME, radius: 100, createdBy: ann.userId });
    assertProblem(await call(h, 'POST', `/v1/groups/${group}/places`, { token: bo.token, body: { name: 'Mine', ...HOME, radius: 50 } }), 403, 'users.insufficient_role');
    assertProblem(await call(h, 'POST', `/v1/groups/${group}/places`, { token: ann.token, body: { name: 'Tiny', ...HOME, radius: 5 } }), 400);
    const places = await list(bo);
    assert.deepEqual(places.map((p) => p.id), [placeId], 'members read the list; the refused ones were not added');
    assert.deepEqual(places[0], made.body);
  });

  it('lets an admin change a place and refuses a member', async () => {
    assertProblem(await call(h, 'PATCH', `/v1/groups/${group}/places/${placeId}`, { token: bo.token, body: { name: 'Bo\u2019s' } }), 403, 'users.insufficient_role');
    const r = await call(h, 'PATCH', `/v1/groups/${group}/places/${placeId}`, { token: ann.token, body: { name: 'Home sweet home', radius: 120 } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.name, 'Home sweet home');
    assert.equal(r.body.radius, 120);
    assert.equal(r.body.lat, HOME.lat);
    const [p] = await list(ann);
    assert.equal(p.name, 'Home sweet home');
    assert.equal(p.radius, 120);
  });

  it('does not enter on a fix whose accuracy is worse than the radius', async () => {
    await fix(north(HOME, 10), 500);
    assert.deepEqual(await placesOfBo(), []);
    assert.deepEqual(await placeEvents(), []);
  });

  it('enters on a fix inside the circle', async () => {
    await fix(north(HOME, 20), 10);
    assert.deepEqual(await placesOfBo(), [placeId]);
    assert.deepEqual(await placeEvents(), [{ type: 'place.entered', placeId, name: 'Home sweet home' }]);
  });

  it('stays inside while within the radius plus the hysteresis', async () => {
    await fix(north(HOME, 130)); // 120 m radius + 25 m hysteresis = 145 m
    await fix(north(HOME, 150), 10); // 150 − 10 = 140 m: the fix may still be inside that
    assert.deepEqual(await placesOfBo(), [placeId]);
    assert.equal((await placeEvents()).length, 1);
  });

  it('leaves only beyond the radius plus the hysteresis', async () => {
    await fix(north(HOME, 160), 5);
    assert.deepEqual(await placesOfBo(), []);
    assert.deepEqual((await placeEvents()).map((e) => e.type), ['place.entered', 'place.left']);
    await fix(north(HOME, 125));
    assert.deepEqual(await placesOfBo(), [], 'coming back into the hysteresis band does not enter');
    await fix(north(HOME, 60));
    assert.deepEqual(await placesOfBo(), [placeId]);
    assert.deepEqual((await placeEvents()).map((e) => e.type), ['place.entered', 'place.left', 'place.entered']);
  });

  it('lets an admin delete a place; a member inside leaves it with their next fix', async () => {
    assertProblem(await call(h, 'DELETE', `/v1/groups/${group}/places/${placeId}`, { token: bo.token }), 403, 'users.insufficient_role');
    const del = await call(h, 'DELETE', `/v1/groups/${group}/places/${placeId}`, { token: ann.token });
    assert.equal(del.status, 204, del.text);
    assert.equal(del.text, '');
    assert.deepEqual(await list(ann), []);
    assertProblem(await call(h, 'DELETE', `/v1/groups/${group}/places/${placeId}`, { token: ann.token }), 404, 'location.no_place');
    await fix(north(HOME, 60));
    assert.deepEqual(await placesOfBo(), []);
    const events = await placeEvents();
    assert.deepEqual(events.at(-1), { type: 'place.left', placeId, name: 'Home sweet home' });
    const log = (await h.location.events.read(0, 100_000)).map((e) => e.type);
    for (const type of ['place.added', 'place.updated', 'place.removed', 'place.entered', 'place.left']) assert.ok(log.includes(type), type);
  });
});
