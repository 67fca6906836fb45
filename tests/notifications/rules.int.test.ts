/**
 * The rules through the running appliance: real users, location and chat events make
 * notifications in the right inboxes — the group's other members, never the member who
 * caused them — with the texts of texts.ts; and a member who leaves or is removed loses
 * the group's notifications (the removed one is told).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call } from '../support/http.ts';
import { startInProcessHearth, type InProcessHearth } from '../support/in-process.ts';
import type { User } from '../support/accounts.ts';
import { inbox, notifiedFamily, waitInbox } from './support.ts';
import { FILE_TIMEOUT, useTempDir } from '../support/test-file.ts';
import { useBroker } from '../support/broker.ts';

const HOME = { lat: 52.52, lon: 13.405 };
const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;

describe('notifications: the rules', { timeout: FILE_TIMEOUT }, () => {
  const broker = useBroker();
  const dir = useTempDir('notif-rules');
  let h: InProcessHearth;
  let ann: User;
  let bo: User;
  let cy: User;
  let group: string;
  let t = Date.now() - 600_000;
  const fix = async (u: User, p: { lat: number; lon: number }) => {
    const r = await call(h, 'POST', '/v1/locations', { token: u.token, body: { ...p, accuracy: 5, timestamp: new Date((t += 1000)).toISOString() } });
    assert.equal(r.status, 200, r.text);
  };
  const ofType = async (u: User, type: string) => (await inbox(h, u, '?limit=100')).items.filter((x) => x.type === type);
  /** Waits for `type` to reach each of `to`, then checks nobody in `not` got it. */
  const told = async (type: string, to: User[], not: User[]) => {
    const got = [];
    for (const u of to) got.push((await waitInbox(h, u, 1, (x) => x.type === type))[0]);
    for (const u of not) assert.deepEqual(await ofType(u, type), [], `${u.name} must not be told ${type}`);
    return got;
  };

  before(async () => {
    h = await startInProcessHearth(broker().url, dir);
    ({ users: [ann, bo, cy], group } = await notifiedFamily(h, ['Ann', 'Bo', 'Cy']));
  });
  after(() => h?.stop());

  it('tells the owner each invite was accepted, and the others who joined', async () => {
    const accepted = await ofType(ann, 'invite_accepted');
    assert.deepEqual(accepted.map((x) => x.title).sort(), ['Bo accepted your invite', 'Cy accepted your invite']);
    const joined = await told('member_joined', [bo], [ann]);
    assert.equal(joined[0].title, 'Cy joined Family');
    assert.equal(joined[0].priority, 'low');
    assert.deepEqual(await ofType(cy, 'member_joined'), [], 'a joiner is not told of their own joining');
  });

  it('SOS raised and cleared: urgent for the others, nothing for the one who raised it', async () => {
    assert.equal((await call(h, 'POST', `/v1/groups/${group}/sos`, { token: ann.token, body: { lat: 51.5007, lon: -0.1246 } })).status, 201);
    const [n] = await told('sos_raised', [bo, cy], [ann]);
    assert.equal(n.priority, 'urgent');
    assert.equal(n.title, 'SOS from Ann');
    assert.equal(n.body, 'Ann raised an SOS in Family. Last position: 51.50070, -0.12460.');
    assert.equal(n.actorId, ann.userId);
    assert.equal(n.groupId, group);
    assert.equal(n.readAt, null);
    assert.equal((await call(h, 'DELETE', `/v1/groups/${group}/sos`, { token: ann.token })).status, 200);
    const [c] = await told('sos_cleared', [bo, cy], [ann]);
    assert.equal(c.title, 'Ann is safe');
  });

  it('journeys: started and destination reached', async () => {
    await fix(bo, HOME);
    const dest = { name: 'School', lat: HOME.lat + 500 / M_PER_DEG, lon: HOME.lon };
    const started = await call(h, 'POST', `/v1/groups/${group}/journey`, { token: bo.token, body: { mode: 'walking', destination: dest, expectedArrival: new Date(Date.now() + 3_600_000).toISOString() } });
    assert.equal(started.status, 201, started.text);
    const [s] = await told('journey_started', [ann, cy], [bo]);
    assert.equal(s.body, 'Bo started a journey to School.');
    await fix(bo, { lat: dest.lat, lon: dest.lon });
    const [r] = await told('destination_reached', [ann, cy], [bo]);
    assert.equal(r.title, 'Bo arrived');
  });

  it('places: entered and left, with the place id', async () => {
    const place = await call(h, 'POST', `/v1/groups/${group}/places`, { token: ann.token, body: { name: 'Home', ...HOME, radius: 100 } });
    assert.equal(place.status, 201, place.text);
    await fix(cy, { lat: HOME.lat + 2000 / M_PER_DEG, lon: HOME.lon });
    await fix(cy, HOME);
    const [e] = await told('place_entered', [ann, bo], [cy]);
    assert.equal(e.title, 'Cy arrived at Home');
    assert.deepEqual(e.refs, { userId: cy.userId, placeId: place.body.id });
    await fix(cy, { lat: HOME.lat + 2000 / M_PER_DEG, lon: HOME.lon });
    const [l] = await told('place_left', [ann, bo], [cy]);
    assert.equal(l.title, 'Cy left Home');
  });

  it('a chat message that mentions @display names tells those named (not the author, not the others)', async () => {
    const sent = await call(h, 'POST', `/v1/groups/${group}/messages`, { token: bo.token, body: { text: '@ann and @ANN again, can you get bread?', txnId: 'm1' } });
    assert.equal(sent.status, 201, sent.text);
    const [m] = await told('mention', [ann], [bo, cy]);
    assert.equal(m.title, 'Bo mentioned you in Family');
    assert.equal(m.body, '@ann and @ANN again, can you get bread?');
    assert.equal(m.refs.messageId, sent.body.message.id);
    assert.equal(m.priority, 'high');
    assert.equal((await ofType(ann, 'mention')).length, 1, 'one notification per message, however often the name appears');
  });

  it('a removal tells the others and the removed member, who keeps nothing else of the group', async () => {
    assert.ok((await ofType(cy, 'sos_raised')).length === 1);
    const removed = await call(h, 'DELETE', `/v1/groups/${group}/members/${cy.userId}`, { token: ann.token });
    assert.ok(removed.status < 300, removed.text);
    const [b] = await told('member_removed', [bo, cy], [ann]);
    assert.equal(b.title, 'Cy was removed from Family');
    const mine = (await inbox(h, cy, '?limit=100')).items;
    assert.deepEqual(mine.map((x) => [x.type, x.title]), [['member_removed', 'You were removed from Family']]);
  });

  it('a member who leaves is announced to those who stay', async () => {
    const left = await call(h, 'POST', `/v1/groups/${group}/leave`, { token: bo.token });
    assert.ok(left.status < 300, left.text);
    const [x] = await told('member_left', [ann], [bo]);
    assert.equal(x.title, 'Bo left Family');
    assert.deepEqual((await inbox(h, bo)).items, [], 'the leaver keeps none of the group\u2019s notifications');
  });
});
