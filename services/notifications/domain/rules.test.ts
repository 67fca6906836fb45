/** The rules, given a group and an event: who is told (never the actor), what, how urgently. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chatRule, locationRule, membershipRule, mentioned, type Draft, type GroupView } from './rules.ts';

const ANN = '01900000-0000-7000-8000-00000000000a';
const BO = '01900000-0000-7000-8000-00000000000b';
const CY = '01900000-0000-7000-8000-00000000000c';
const DI = '01900000-0000-7000-8000-00000000000d';
const G = '01900000-0000-7000-8000-0000000000f1';
const PLACE = '01900000-0000-7000-8000-0000000000e1';
const family: GroupView = { groupId: G, name: 'Family', members: new Map([[ANN, 'Ann'], [BO, 'Bo'], [CY, 'Cy Lee']]) };
const scoped = (type: string, userId: string, extra: Record<string, unknown> = {}) => ({ type, data: { groupId: G, userId, state: 'active', ...extra } });
const who = (ds: Draft[]) => ds.map((d) => d.userId).sort();

describe('location rules', () => {
  const table: { name: string; event: ReturnType<typeof scoped>; type: string; priority: string; title: string; body: string; to?: string[] }[] = [
    { name: 'SOS raised, with the position', event: scoped('sos.raised', ANN, { state: 'sos', lat: 51.5007, lon: -0.1246 }), type: 'sos_raised', priority: 'urgent', title: 'SOS from Ann', body: 'Ann raised an SOS in Family. Last position: 51.50070, -0.12460.' },
    { name: 'SOS raised without a position', event: scoped('sos.raised', ANN, { state: 'sos', lat: null, lon: null }), type: 'sos_raised', priority: 'urgent', title: 'SOS from Ann', body: 'Ann raised an SOS in Family.' },
    { name: 'SOS cleared', event: scoped('sos.cleared', ANN), type: 'sos_cleared', priority: 'high', title: 'Ann is safe', body: 'Ann cleared their SOS in Family.' },
    { name: 'journey started', event: scoped('journey.routing_started', BO, { destination: { name: 'School', lat: 1, lon: 2 }, mode: 'walking', expectedArrival: 'x' }), type: 'journey_started', priority: 'default', title: 'Bo is on the way', body: 'Bo started a journey to School.', to: [ANN, CY] },
    { name: 'destination reached', event: scoped('journey.destination_reached', BO, { destination: { name: 'School', lat: 1, lon: 2 } }), type: 'destination_reached', priority: 'default', title: 'Bo arrived', body: 'Bo reached School.', to: [ANN, CY] },
    { name: 'late', event: scoped('journey.late_alert_raised', ANN, { state: 'warning' }), type: 'journey_late', priority: 'high', title: 'Ann is late', body: 'Ann has not arrived by the expected time.' },
    { name: 'stuck', event: scoped('journey.stuck_alert_raised', ANN, { state: 'warning' }), type: 'journey_stuck', priority: 'high', title: 'Ann has stopped moving', body: 'Ann has not moved for a while during their journey.' },
    { name: 'offline in an SOS is urgent', event: scoped('state.went_offline', ANN, { state: 'sos' }), type: 'went_offline', priority: 'urgent', title: 'Ann went offline', body: 'Ann stopped reporting their position during an SOS.' },
    { name: 'offline on a journey', event: scoped('state.went_offline', ANN, { state: 'warning' }), type: 'went_offline', priority: 'high', title: 'Ann went offline', body: 'Ann stopped reporting their position during a journey.' },
    { name: 'place entered', event: scoped('place.entered', ANN, { placeId: PLACE, name: 'Home' }), type: 'place_entered', priority: 'default', title: 'Ann arrived at Home', body: 'Ann arrived at Home (Family).' },
    { name: 'place left', event: scoped('place.left', ANN, { placeId: PLACE, name: 'Home' }), type: 'place_left', priority: 'default', title: 'Ann left Home', body: 'Ann left Home (Family).' },
  ];
  for (const row of table) {
    it(`${row.name}: the others are told, the actor is not`, () => {
      const out = locationRule(row.event, family);
      const actor = row.event.data.userId;
      assert.deepEqual(who(out), row.to ?? [BO, CY]);
      assert.ok(!who(out).includes(actor));
      for (const d of out) {
        assert.equal(d.type, row.type);
        assert.equal(d.priority, row.priority);
        assert.equal(d.title, row.title);
        assert.equal(d.body, row.body);
        assert.equal(d.actorId, actor);
        assert.equal(d.groupId, G);
      }
    });
  }

  it('a place notification carries the place id', () => {
    assert.equal(locationRule(scoped('place.entered', ANN, { placeId: PLACE, name: 'Home' }), family)[0]!.refs.placeId, PLACE);
  });

  it('going offline while merely sharing tells no one', () => {
    assert.deepEqual(locationRule(scoped('state.went_offline', ANN, { state: 'inactive' }), family), []);
  });

  it('tells no one of a fix, a pause, or an event of someone not (or no longer) in the group', () => {
    assert.deepEqual(locationRule(scoped('location.sampled', ANN), family), []);
    assert.deepEqual(locationRule(scoped('state.sharing_paused', ANN), family), []);
    assert.deepEqual(locationRule(scoped('sos.raised', DI, { lat: null, lon: null }), family), []);
  });
});

describe('membership rules', () => {
  it('a joiner is announced to the members; the inviter is told their invite was accepted instead', () => {
    const out = membershipRule({ type: 'group.member_joined', data: { groupId: G, userId: DI, displayName: 'Di', role: 'member', invitedBy: ANN } }, family);
    assert.deepEqual(out.map((d) => [d.userId, d.type, d.title]).sort(), [
      [ANN, 'invite_accepted', 'Di accepted your invite'],
      [BO, 'member_joined', 'Di joined Family'],
      [CY, 'member_joined', 'Di joined Family'],
    ]);
    assert.ok(out.every((d) => d.actorId === DI && d.priority !== 'urgent'));
  });

  it('a group\u2019s creator joining tells no one (there is no one yet)', () => {
    const empty: GroupView = { groupId: G, name: 'Family', members: new Map() };
    assert.deepEqual(membershipRule({ type: 'group.member_joined', data: { groupId: G, userId: ANN, displayName: 'Ann', role: 'owner' } }, empty), []);
  });

  it('a member who leaves is announced to the others', () => {
    const out = membershipRule({ type: 'group.member_left', data: { groupId: G, userId: BO } }, family);
    assert.deepEqual(out.map((d) => [d.userId, d.title]).sort(), [[ANN, 'Bo left Family'], [CY, 'Bo left Family']]);
  });

  it('a removal tells the others (not the admin who did it) and the removed member', () => {
    const out = membershipRule({ type: 'group.member_removed', data: { groupId: G, userId: BO, by: ANN } }, family);
    assert.deepEqual(out.map((d) => [d.userId, d.title]).sort(), [[BO, 'You were removed from Family'], [CY, 'Bo was removed from Family']]);
    assert.ok(out.every((d) => d.actorId === ANN));
  });
});

describe('mentions', () => {
  const sent = (text: string, authorId = ANN) => ({ type: 'message.sent', data: { groupId: G, message: { id: PLACE, kind: 'user', authorId, authorName: 'Ann', text } } });

  it('finds @display names in any case, the longest name first, and only whole names', () => {
    assert.deepEqual(mentioned('hi @bo!', family, ANN), [BO]);
    assert.deepEqual(mentioned('@Cy Lee and @BO', family, ANN).sort(), [BO, CY]);
    assert.deepEqual(mentioned('@Bob and @Bo2 and bo@example.com', family, ANN), []);
    assert.deepEqual(mentioned('@Ann talking to herself', family, ANN), []);
    assert.deepEqual(mentioned('@Bo', { ...family, members: new Map([[BO, 'Bo'], [DI, 'Bo Di']]) }, ANN), [BO]);
  });

  it('a message mentioning members tells them, with an excerpt', () => {
    const out = chatRule(sent('@Bo can you pick up @Cy Lee at 5?'), family);
    assert.deepEqual(who(out), [BO, CY]);
    assert.equal(out[0]!.title, 'Ann mentioned you in Family');
    assert.equal(out[0]!.body, '@Bo can you pick up @Cy Lee at 5?');
    assert.equal(out[0]!.refs.messageId, PLACE);
  });

  it('shortens a long message to 140 characters', () => {
    const body = chatRule(sent('@Bo ' + 'é'.repeat(300)), family)[0]!.body;
    assert.equal([...body].length, 140);
    assert.ok(body.endsWith('…'));
  });

  it('a system message or a message without mentions tells no one', () => {
    assert.deepEqual(chatRule(sent('no one here'), family), []);
    assert.deepEqual(chatRule({ type: 'message.sent', data: { groupId: G, message: { kind: 'system', authorId: null, text: null } } }, family), []);
    assert.deepEqual(chatRule({ type: 'message.edited', data: { groupId: G, text: '@Bo' } }, family), []);
  });
});
