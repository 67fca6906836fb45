/**
 * What Hearth sends phones beyond positions, through the real gateway, users and location
 * services (#16): friends' faces (the avatar made small, as the apps decode it) and tids
 * that stay put while others pause, join or leave; and commands. "Locate
 * now" reaches the member's phones once each with their next OwnTracks post, and no one
 * else's; it is refused across groups like any other group route and limited per asker and
 * member; pushing places is for admins and carries the waypoints as the apps import them,
 * with the same `rid` and `tst` on every push so a re-push replaces.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Buffer } from 'node:buffer';
import { Jimp } from 'jimp';
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

  it('does not ask the phone of a member who paused sharing with the group', async () => {
    assert.equal((await call(h, 'DELETE', `/v1/groups/${group}/sharing`, { token: bo.token })).status, 200);
    assertProblem(await locate(ann, group, bo), 403, 'location.member_not_sharing');
    assert.equal((await locate(bo, group, bo)).status, 202, 'their own phones, still');
    assert.deepEqual(await commandsOf(bo, 'pixel'), [{ _type: 'cmd', action: 'reportLocation' }]);
    assert.equal((await call(h, 'POST', `/v1/groups/${group}/sharing`, { token: bo.token })).status, 200);
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

  it('puts each friend\u2019s avatar on their card as `face`: a 128\u00d7128 JPEG, base64 without a data: prefix', async () => {
    const big = new Jimp({ width: 400, height: 300, color: 0x33aa55ff });
    const avatar = `data:image/png;base64,${(await big.getBuffer('image/png')).toString('base64')}`;
    const set = await call(h, 'PATCH', '/v1/me', { token: bo.token, body: { avatar } });
    assert.equal(set.status, 200, set.text);
    assert.equal((await post(bo, 'pixel')).status, 200); // Bo has a fix to show
    // The gateway forgets the face it kept for Bo when his profile event arrives, a moment after the change.
    const card = await waitFor('Bo\u2019s face on his card', async () => ((await post(ann, 'iphone')).body as any[]).find((o) => o._type === 'card' && o.name === 'Bo' && o.face));
    assert.match(card.face, /^[A-Za-z0-9+/]+=*$/, 'plain base64, as both apps decode it');
    const img = await Jimp.fromBuffer(Buffer.from(card.face, 'base64'));
    assert.deepEqual([img.width, img.height, img.mime], [128, 128, 'image/jpeg']);
    assert.ok(card.face.length < 8000, `small enough to ride on every reply (${card.face.length} chars)`);
    // Ann has no avatar: Bo's phone shows her tid.
    const annCard = ((await post(bo, 'pixel')).body as any[]).find((o) => o._type === 'card' && o.name === 'Ann');
    assert.ok(annCard && !('face' in annCard));
  });

  it('keeps a friend\u2019s tid when a namesake pauses and when someone joins or leaves', async () => {
    const bob = await signUp(h, 'Bob'); // registered after Bo: tidOf('Bob') is BO, taken by Bo
    basic.set(bob.userId, [bob.email, (await call(h, 'POST', '/v1/me/app-passwords', { token: bob.token, body: { label: 'OwnTracks' } })).body.password]);
    await joinGroup(h, group, ann, bob);
    await waitFor('location knows Bob', async () => ((await call(h, 'GET', `/v1/groups/${group}/live`, { token: ann.token })).body.members.length === 3 ? true : undefined));
    for (const who of [bo, bob]) assert.equal((await post(who, 'pixel')).status, 200);
    const tids = async () => new Map(((await post(ann, 'iphone')).body as any[]).filter((o) => o._type === 'card').map((o) => [o.name, o.tid]));
    const before = await tids();
    assert.deepEqual([before.get('Bo'), before.get('Bob')], ['BO', 'BB']);
    // Bo pauses: he is no longer shown, Bob keeps BB (else the phone would file Bob under Bo's old tid).
    assert.equal((await call(h, 'DELETE', `/v1/groups/${group}/sharing`, { token: bo.token })).status, 200);
    const paused = await tids();
    assert.deepEqual([paused.has('Bo'), paused.get('Bob')], [false, 'BB']);
    assert.equal((await call(h, 'POST', `/v1/groups/${group}/sharing`, { token: bo.token })).status, 200);
    assert.equal((await post(bo, 'pixel')).status, 200);
    // Bob, the newest, leaves: Bo keeps BO.
    assert.equal((await call(h, 'DELETE', `/v1/groups/${group}/members/${bob.userId}`, { token: ann.token })).status, 204);
    await waitFor('location forgets Bob', async () => ((await call(h, 'GET', `/v1/groups/${group}/live`, { token: ann.token })).body.members.length === 2 ? true : undefined));
    const left = await tids();
    assert.deepEqual([left.get('Bo'), left.has('Bob')], ['BO', false]);
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

  it('forgets a deleted account\u2019s phones and what waited for them or was asked by them', async () => {
    const count = async (sql: string, args: string[]) => Number((await h.location.db.query(sql, args))[0]!.n);
    assert.equal((await locate(ann, group, bo)).status, 202);
    assert.ok((await count('SELECT count(*) AS n FROM phone_devices WHERE user_id = ?', [bo.userId])) > 0);
    assert.equal((await call(h, 'DELETE', '/v1/me', { token: bo.token, body: { password: bo.password } })).status, 202);
    // The account-deletion saga's location step erases the phones (after Bo left the groups).
    await waitFor('Bo gone from location', async () => (await count('SELECT count(*) AS n FROM members WHERE user_id = ?', [bo.userId])) + (await count('SELECT count(*) AS n FROM phone_devices WHERE user_id = ?', [bo.userId])) === 0 || undefined, 10_000);
    assert.equal(await count('SELECT count(*) AS n FROM phone_devices WHERE user_id = ?', [bo.userId]), 0);
    assert.equal(await count('SELECT count(*) AS n FROM phone_commands WHERE user_id = ? OR asked_by = ?', [bo.userId, bo.userId]), 0);
    assert.ok((await count('SELECT count(*) AS n FROM phone_devices WHERE user_id = ?', [ann.userId])) > 0, 'Ann\u2019s phone is still known');
  });
});
