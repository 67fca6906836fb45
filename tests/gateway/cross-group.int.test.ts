/**
 * The cross-group matrix, through the real gateway and users service: for every
 * group-scoped route of the route table, a user of group A asking about group B gets 404
 * (a non-member learns nothing, not even that B exists), a member of B whose role is too
 * small gets 403, and a path user id outside the group is 404 — all decided at the edge
 * from the read model, without a single request reaching the users service. Location
 * routes are group-scoped the same way (location/isolation tests cover their data).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Subscription } from 'nats';
import { ROUTES } from '../../src/gateway/routes/index.ts';
import type { AnyRoute } from '../../src/gateway/index.ts';
import { assertProblem, call } from '../support/http.ts';
import { joinGroup, makeGroup, signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

/** A valid body for each group-scoped route that takes one (the matrix fails when a new route is missing here). */
function validBody(r: AnyRoute, target: string): unknown {
  const bodies: Record<string, unknown> = {
    'PATCH /v1/groups/:groupId': { name: 'Taken over' },
    'POST /v1/groups/:groupId/invites': {},
    'PUT /v1/groups/:groupId/members/:userId/role': { role: 'admin' },
    'POST /v1/groups/:groupId/transfer': { userId: target },
    'POST /v1/groups/:groupId/journey': { mode: 'walking', destination: { name: 'School', lat: 52.5, lon: 13.4 }, expectedArrival: new Date(Date.now() + 3_600_000).toISOString() },
    'POST /v1/groups/:groupId/sos': {},
    'POST /v1/groups/:groupId/places': { name: 'Home', lat: 52.5, lon: 13.4, radius: 100 },
    'PATCH /v1/groups/:groupId/places/:placeId': { name: 'Work' },
    'POST /v1/groups/:groupId/messages': { text: 'hello', txnId: 't1' },
    'PATCH /v1/groups/:groupId/messages/:messageId': { text: 'hello' },
    'PUT /v1/groups/:groupId/read-marker': { messageId: SOME_MESSAGE },
    'PATCH /v1/groups/:groupId/alert-settings': { silenceMinutes: 60 },
  };
  const key = `${r.method} ${r.path}`;
  if (!r.body) return undefined;
  assert.ok(key in bodies, `the matrix has no body for ${key}`);
  return bodies[key];
}

const SOME_PLACE = '01900000-0000-7000-8000-0000000000aa';
const SOME_MESSAGE = '01900000-0000-7000-8000-0000000000bb';
const fill = (path: string, p: Record<string, string>) => path.replace(/:([A-Za-z]+)/g, (_, k: string) => p[k] ?? (k === 'placeId' ? SOME_PLACE : k === 'messageId' ? SOME_MESSAGE : `<${k}>`));

describe('gateway: the cross-group matrix', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('gw-cross');
  let h: InProcessHearth;
  let alice: User; // owner of A
  let bob: User; // owner of B
  let ben: User; // member of B
  let groupA: string;
  let groupB: string;
  let inviteB: string;
  const groupRoutes = ROUTES.filter((r) => r.group);

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    [alice, bob, ben] = await Promise.all([signUp(h, 'Alice'), signUp(h, 'Bob'), signUp(h, 'Ben')]);
    groupA = await makeGroup(h, alice, 'Alpha');
    groupB = await makeGroup(h, bob, 'Bravo secret name');
    await joinGroup(h, groupB, bob, ben);
    inviteB = (await call(h, 'POST', `/v1/groups/${groupB}/invites`, { token: bob.token, body: {} })).body.code;
  });
  after(() => h?.stop());

  async function quietly<T>(fn: () => Promise<T>): Promise<{ result: T; seen: string[] }> {
    const seen: string[] = [];
    const sub: Subscription = h.nc.subscribe('svc.users.>', { callback: (_e, m) => void seen.push(m.subject) });
    await h.nc.flush();
    try {
      const result = await fn();
      await h.nc.flush();
      return { result, seen };
    } finally {
      sub.unsubscribe();
    }
  }

  it('treats every route with a :groupId as group-scoped, but the deletion status that outlives the group', () => {
    const unguarded = ROUTES.filter((r) => r.path.includes(':groupId') && !r.group).map((r) => `${r.method} ${r.path}`);
    // Answered by users to the owner who started the deletion, also once the group is gone
    // (no membership left to check at the edge); the next test shows it tells nobody else anything.
    assert.deepEqual(unguarded, ['GET /v1/groups/:groupId/deletion']);
    assert.equal(groupRoutes.length, 35); // #16 added locate, places/push and alert-settings (GET, PATCH)
  });

  it('answers 404 to a non-member on every group-scoped route of another group, leaking nothing', async () => {
    const { seen } = await quietly(async () => {
      for (const r of groupRoutes) {
        const path = fill(r.path, { groupId: groupB, userId: ben.userId, code: inviteB });
        const res = await call(h, r.method, path, { token: alice.token, body: validBody(r, ben.userId) });
        assertProblem(res, 404, 'membership.not_a_member');
        for (const secret of ['Bravo', ben.userId, bob.userId, inviteB, 'Ben']) assert.ok(!res.text.includes(secret), `${r.method} ${r.path} leaks ${secret}`);
      }
    });
    assert.deepEqual(seen, [], 'no request reached the users service');
  });

  it('shows the deletion status of a group to nobody but the owner who started it', async () => {
    const groupC = await makeGroup(h, alice, 'Charlie');
    await joinGroup(h, groupC, alice, ben);
    const started = await call(h, 'DELETE', `/v1/groups/${groupC}`, { token: alice.token });
    assert.equal(started.status, 202);
    for (const [who, group] of [[bob, groupC], [ben, groupC], [alice, groupB], [ben, groupB]] as const) {
      const res = await call(h, 'GET', `/v1/groups/${group}/deletion`, { token: who.token });
      assertProblem(res, 404, 'users.no_group_deletion');
      for (const secret of ['Charlie', 'Bravo', alice.userId, bob.userId, started.body.sagaId]) assert.ok(!res.text.includes(secret), `leaks ${secret}`);
    }
    const own = await call(h, 'GET', `/v1/groups/${groupC}/deletion`, { token: alice.token });
    assert.equal(own.status, 200);
    assert.equal(own.body.sagaId, started.body.sagaId);
  });

  it('answers the same 404 for a group that does not exist at all', async () => {
    const res = await call(h, 'GET', `/v1/groups/01900000-0000-7000-8000-000000000000/members`, { token: alice.token });
    assertProblem(res, 404, 'membership.not_a_member');
  });

  it('answers 403 to a member whose role is too small, before asking users', async () => {
    const { seen } = await quietly(async () => {
      for (const r of groupRoutes.filter((x) => x.group!.role !== 'member')) {
        const path = fill(r.path, { groupId: groupB, userId: bob.userId, code: inviteB });
        const res = await call(h, r.method, path, { token: ben.token, body: validBody(r, bob.userId) });
        assertProblem(res, 403, 'users.insufficient_role');
      }
    });
    assert.deepEqual(seen, []);
  });

  it('answers 404 for a path user id that is not a member of the group', async () => {
    for (const r of groupRoutes.filter((x) => x.group!.target)) {
      const path = fill(r.path, { groupId: groupA, userId: ben.userId });
      const res = await call(h, r.method, path, { token: alice.token, body: validBody(r, ben.userId) });
      assertProblem(res, 404, 'users.no_such_member');
    }
    const transfer = await call(h, 'POST', `/v1/groups/${groupA}/transfer`, { token: alice.token, body: { userId: ben.userId } });
    assertProblem(transfer, 404, 'users.no_such_member');
  });

  it('does not let an admin of A revoke an invite of B through A', async () => {
    const res = await call(h, 'DELETE', `/v1/groups/${groupA}/invites/${inviteB}`, { token: alice.token });
    assertProblem(res, 404, 'users.invite_invalid');
    const still = await call(h, 'GET', `/v1/groups/${groupB}/invites`, { token: bob.token });
    assert.ok(still.body.invites.some((i: { code: string }) => i.code === inviteB));
  });

  it('lists only my own groups', async () => {
    const mine = await call(h, 'GET', '/v1/groups', { token: alice.token });
    assert.deepEqual(mine.body.groups.map((g: { id: string }) => g.id), [groupA]);
  });
});
