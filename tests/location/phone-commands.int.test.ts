/**
 * Commands for phones through the real gateway, users and location services (#16): "locate
 * now" reaches the member's phones once each with their next OwnTracks post, and no one
 * else's; it is refused across groups like any other group route and limited per asker and
 * member; pushing places is for admins and carries the waypoints as the apps import them,
 * with the same `rid` and `tst` on every push so a re-push replaces.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as docs from '../support/fixtures/owntracks.ts';
import { assertProblem, call } from '../support/http.ts';
import { joinGroup, makeGroup, signUp, type User } from '../support/accounts.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import { waitFor } from '../support/poll.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

const isCmd = (x: { _type: string }) => x._type === 'cmd';

describe('location: commands for phones (locate now, places)', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('loc-phone-cmds');
  let h: InProcessHearth;
  let ann: User; // owner of Family
  let bo: User; // member of Family
  let cy: User; // owner of another group
  let group: string;
  let other: string;
  const basic = new Map<string, [string, string]>();
  const nowS = () => Math.floor(Date.now() / 1000);
  const post = (who: User, device: string, body: unknown = { ...docs.quicksetupLocation, tst: nowS() }) =>
    call(h, 'POST', '/v1/owntracks', { basic: basic.get(who.userId)!, body, headers: { 'x-limit-u': 'someone', 'x-limit-d': device } });
  const commandsOf = async (who: User, device: string, body?: unknown) => {
    const r = await post(who, device, body);
    assert.equal(r.status, 200, r.text);
    const cmds = (r.body as { _type: string }[]).filter(isCmd);
    // Commands come after every friend's card and location.
    const firstCmd = (r.body as { _type: string }[]).findIndex(isCmd);
    if (firstCmd >= 0) assert.ok((r.body as { _type: string }[]).slice(firstCmd).every(isCmd), 'commands close the reply');
    return cmds as any[];
  };
  const locate = (asker: User, groupId: string, target: User) => call(h, 'POST', `/v1/groups/${groupId}/members/${target.userId}/locate`, { token: asker.token });

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    [ann, bo, cy] = [await signUp(h, 'Ann'), await signUp(h, 'Bo'), await signUp(h, 'Cy')];
    group = await makeGroup(h, ann, 'Family');
    other = await makeGroup(h, cy, 'Elsewhere');
    await joinGroup(h, group, ann, bo);
    for (const u of [ann, bo, cy]) basic.set(u.userId, [u.email, (await call(h, 'POST', '/v1/me/app-passwords', { token: u.token, body: { label: 'OwnTracks' } })).body.password]);
    await waitFor('location knows both members', async () => {
      const r = await call(h, 'GET', `/v1/groups/${group}/live`, { token: ann.token });
      return r.status === 200 && r.body.members.length === 2 ? true : undefined;
    });
  });
  after(() => h?.stop());

  it('sends "locate now" once to each of the member\u2019s phones, with their next post, and to no one else', async () => {
    assert.deepEqual(await commandsOf(bo, 'pixel'), [], 'nothing waits before anyone asks');
    assert.deepEqual(await commandsOf(ann, 'iphone'), []);

    const asked = await locate(ann, group, bo);
    assert.equal(asked.status, 202, asked.text);
    assert.equal(asked.body.devices, 1, 'Bo posted from one phone so far');
    assert.ok(Date.parse(asked.body.expiresAt) > Date.now());

    assert.deepEqual(await commandsOf(ann, 'iphone'), [], 'the asker\u2019s phone gets nothing');
    assert.deepEqual(await commandsOf(bo, 'pixel'), [{ _type: 'cmd', action: 'reportLocation' }]);
    assert.deepEqual(await commandsOf(bo, 'pixel'), [], 'taken once');
    // An empty post (the app's "friend deleted" ping) is answered like any other.
    assert.deepEqual(await commandsOf(bo, 'pixel', {}), []);
    // A phone Bo had never posted from gets it with its first post while it is fresh, once.
    assert.deepEqual(await commandsOf(bo, 'tablet'), [{ _type: 'cmd', action: 'reportLocation' }]);
    assert.deepEqual(await commandsOf(bo, 'tablet'), []);
  });

  it('hands out one reportLocation however many asked before the phone posted', async () => {
    assert.equal((await locate(ann, group, bo)).status, 202);
    assert.equal((await locate(bo, group, bo)).status, 202, 'a member may locate their own phones');
    assert.deepEqual(await commandsOf(bo, 'pixel'), [{ _type: 'cmd', action: 'reportLocation' }]);
    assert.deepEqual(await commandsOf(ann, 'iphone'), []);
  });

  it('refuses "locate now" across groups with the same answer as any other group route', async () => {
    assertProblem(await locate(cy, group, bo), 404, 'membership.not_a_member');
    assertProblem(await locate(ann, other, cy), 404, 'membership.not_a_member');
    assertProblem(await locate(ann, group, cy), 404, 'users.no_such_member');
    assertProblem(await call(h, 'POST', `/v1/groups/${group}/members/${bo.userId}/locate`, { basic: basic.get(cy.userId)! }), 404, 'membership.not_a_member');
    assert.deepEqual(await commandsOf(bo, 'pixel'), [], 'nothing was queued');
    assert.deepEqual(await commandsOf(cy, 'phone'), []);
  });

  it('limits "locate now" per asker and member, saying when to try again', async () => {
    const limited = async (asker: User, target: User) => {
      for (let i = 0; i < 10; i++) {
        const r = await locate(asker, group, target);
        if (r.status === 429) return { r, i };
        assert.equal(r.status, 202, r.text);
      }
      assert.fail('never limited');
    };
    const { r, i } = await limited(bo, ann);
    assert.equal(i, 3, 'three asks pass within the window');
    assertProblem(r, 429, 'location.locate_too_often');
    assert.ok(Number(r.headers.get('retry-after')) > 0);
    // Another member asking about Ann is counted apart.
    assert.equal((await locate(ann, group, ann)).status, 202);
    assert.deepEqual(await commandsOf(ann, 'iphone'), [{ _type: 'cmd', action: 'reportLocation' }], 'still one command');
  });

  it('lets only owners and admins push places, and sends them as the apps import waypoints', async () => {
    const home = (await call(h, 'POST', `/v1/groups/${group}/places`, { token: ann.token, body: { name: 'Home', lat: 52.52, lon: 13.405, radius: 120.4 } })).body;
    const school = (await call(h, 'POST', `/v1/groups/${group}/places`, { token: ann.token, body: { name: 'School', lat: 52.53, lon: 13.41, radius: 300 } })).body;
    assertProblem(await call(h, 'POST', `/v1/groups/${group}/places/push`, { token: bo.token }), 403, 'users.insufficient_role');
    assertProblem(await call(h, 'POST', `/v1/groups/${group}/places/push`, { token: cy.token }), 404, 'membership.not_a_member');
    assert.deepEqual(await commandsOf(bo, 'pixel'), [], 'a refused push queues nothing');

    const pushed = await call(h, 'POST', `/v1/groups/${group}/places/push`, { token: ann.token });
    assert.equal(pushed.status, 202, pushed.text);
    assert.deepEqual(pushed.body, { places: 2, members: 2 });
    const [cmd] = await commandsOf(bo, 'pixel');
    assert.equal(cmd._type, 'cmd');
    assert.equal(cmd.action, 'setWaypoints');
    assert.equal(cmd.waypoints._type, 'waypoints');
    const byName = new Map((cmd.waypoints.waypoints as any[]).map((w) => [w.desc, w]));
    assert.deepEqual(byName.get('Home'), { _type: 'waypoint', desc: 'Home', lat: 52.52, lon: 13.405, rad: 120, tst: Math.floor(Date.parse(home.createdAt) / 1000), rid: home.id });
    assert.equal(byName.get('School').rid, school.id);
    assert.notEqual(byName.get('School').tst, byName.get('Home').tst, 'every waypoint has its own tst (Android keys them by tst)');
    assert.deepEqual(await commandsOf(bo, 'pixel'), [], 'taken once');
    assert.deepEqual(await commandsOf(cy, 'phone'), [], 'another group\u2019s member gets nothing');

    // A re-push after a change carries the same rid and tst, so the phone replaces its copy.
    assert.equal((await call(h, 'PATCH', `/v1/groups/${group}/places/${home.id}`, { token: ann.token, body: { radius: 200 } })).status, 200);
    assert.equal((await call(h, 'POST', `/v1/groups/${group}/places/push`, { token: ann.token })).status, 202);
    assert.equal((await call(h, 'POST', `/v1/groups/${group}/places/push`, { token: ann.token })).status, 202);
    const again = await commandsOf(bo, 'pixel');
    assert.equal(again.length, 1, 'only the newest push of a group is sent');
    const home2 = (again[0].waypoints.waypoints as any[]).find((w) => w.desc === 'Home');
    assert.deepEqual([home2.rid, home2.tst, home2.rad], [byName.get('Home').rid, byName.get('Home').tst, 200]);
    // Ann's own phone gets the places too (she is a member).
    assert.equal((await commandsOf(ann, 'iphone')).filter((c) => c.action === 'setWaypoints').length, 1);
  });

  it('refuses bad input', async () => {
    assertProblem(await call(h, 'POST', `/v1/groups/not-a-group/members/${bo.userId}/locate`, { token: ann.token }), 400);
    assertProblem(await call(h, 'POST', `/v1/groups/${group}/members/not-a-user/locate`, { token: ann.token }), 400);
    assertProblem(await call(h, 'POST', `/v1/groups/${group}/members/${bo.userId}/locate`, {}), 401);
    assertProblem(await call(h, 'GET', `/v1/groups/${group}/members/${bo.userId}/locate`, { token: ann.token }), 405);
    assertProblem(await call(h, 'POST', `/v1/groups/${group}/places/push`, {}), 401);
    // A device label no Hearth device can be (the route cuts it down) still gets its reply.
    const odd = await call(h, 'POST', '/v1/owntracks', { basic: basic.get(bo.userId)!, body: { ...docs.quicksetupLocation, tst: nowS(), topic: 'owntracks/bo/\u00e9\u00e9 phone \u{1F4F1}' } });
    assert.equal(odd.status, 200, odd.text);
  });
});
