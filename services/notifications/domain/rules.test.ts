/**
 * The rules, given a group and an event: who is told (never the actor), what, how urgently.
 * Every event is built through its contract's schema: one the contract would reject fails
 * the test that builds it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chat, location, membership, users } from '../../../src/contracts/index.ts';
import { check, type DataOf, type EventType } from '../../../src/kit/index.ts';
import { CHAT_RULES, LOCATION_RULES, memberRule, mentioned, type Draft, type GroupView, type Rule } from './rules.ts';

const ANN = '01900000-0000-7000-8000-00000000000a';
const BO = '01900000-0000-7000-8000-00000000000b';
const CY = '01900000-0000-7000-8000-00000000000c';
const DI = '01900000-0000-7000-8000-00000000000d';
const G = '01900000-0000-7000-8000-0000000000f1';
const PLACE = '01900000-0000-7000-8000-0000000000e1';
const AT = '2026-12-02T10:00:00.000Z';
const family: GroupView = { groupId: G, name: 'Family', members: new Map([[ANN, 'Ann'], [BO, 'Bo'], [CY, 'Cy Lee']]) };
const who = (ds: Draft[]) => ds.map((d) => d.userId).sort();

/** `data` as `type`'s contract accepts it (throws `test.invalid_event` when it would reject it). */
const checked = <D>(type: EventType<D>, data: NoInfer<D>): D => check(type.data, data, 'test.invalid_event', `${type.type} event`);
/** What rule `r` makes of an event with `data` (checked by the rule's contract) in group `g`. */
const fire = <D>(r: Rule<D>, data: NoInfer<D>, g: GroupView = family): Draft[] => r.drafts(checked(r.type, data), g);
const followed = (rules: Record<string, Rule<unknown>>) => Object.values(rules).map((r) => r.type.type);

describe('location rules', () => {
  const L = LOCATION_RULES;
  type State = DataOf<typeof location.SosCleared>['state'];
  const scope = (userId: string, state: State = 'active') => ({ groupId: G, userId, state });
  const table: { name: string; actor: string; out: () => Draft[]; type: string; priority: string; title: string; body: string; to?: string[] }[] = [
    { name: 'SOS raised, with the position', actor: ANN, out: () => fire(L.sosRaised, { ...scope(ANN, 'sos'), lat: 51.5007, lon: -0.1246 }), type: 'sos_raised', priority: 'urgent', title: 'SOS from Ann', body: 'Ann raised an SOS in Family. Last position: 51.50070, -0.12460.' },
    { name: 'SOS raised without a position', actor: ANN, out: () => fire(L.sosRaised, { ...scope(ANN, 'sos'), lat: null, lon: null }), type: 'sos_raised', priority: 'urgent', title: 'SOS from Ann', body: 'Ann raised an SOS in Family.' },
    { name: 'SOS cleared', actor: ANN, out: () => fire(L.sosCleared, scope(ANN)), type: 'sos_cleared', priority: 'high', title: 'Ann is safe', body: 'Ann cleared their SOS in Family.' },
    { name: 'journey started', actor: BO, out: () => fire(L.routingStarted, { ...scope(BO, 'routing'), destination: { name: 'School', lat: 1, lon: 2 }, mode: 'walking', expectedArrival: AT }), type: 'journey_started', priority: 'default', title: 'Bo is on the way', body: 'Bo started a journey to School.', to: [ANN, CY] },
    { name: 'destination reached', actor: BO, out: () => fire(L.destinationReached, { ...scope(BO), destination: { name: 'School', lat: 1, lon: 2 } }), type: 'destination_reached', priority: 'default', title: 'Bo arrived', body: 'Bo reached School.', to: [ANN, CY] },
    { name: 'late', actor: ANN, out: () => fire(L.lateAlertRaised, { ...scope(ANN, 'warning'), expectedArrival: AT }), type: 'journey_late', priority: 'high', title: 'Ann is late', body: 'Ann has not arrived by the expected time.' },
    { name: 'stuck', actor: ANN, out: () => fire(L.stuckAlertRaised, { ...scope(ANN, 'warning'), lat: 1, lon: 2, since: AT }), type: 'journey_stuck', priority: 'high', title: 'Ann has stopped moving', body: 'Ann has not moved for a while during their journey.' },
    { name: 'offline in an SOS is urgent', actor: ANN, out: () => fire(L.wentOffline, { ...scope(ANN, 'sos'), lastSeen: AT }), type: 'went_offline', priority: 'urgent', title: 'Ann went offline', body: 'Ann stopped reporting their position during an SOS.' },
    { name: 'offline on a journey', actor: ANN, out: () => fire(L.wentOffline, { ...scope(ANN, 'warning'), lastSeen: null }), type: 'went_offline', priority: 'high', title: 'Ann went offline', body: 'Ann stopped reporting their position during a journey.' },
    { name: 'place entered', actor: ANN, out: () => fire(L.placeEntered, { ...scope(ANN), placeId: PLACE, name: 'Home' }), type: 'place_entered', priority: 'default', title: 'Ann arrived at Home', body: 'Ann arrived at Home (Family).' },
    { name: 'place left', actor: ANN, out: () => fire(L.placeLeft, { ...scope(ANN), placeId: PLACE, name: 'Home' }), type: 'place_left', priority: 'default', title: 'Ann left Home', body: 'Ann left Home (Family).' },
  ];
  for (const row of table) {
    it(`${row.name}: the others are told, the actor is not`, () => {
      const out = row.out();
      const actor = row.actor;
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
    assert.equal(fire(L.placeEntered, { ...scope(ANN), placeId: PLACE, name: 'Home' })[0]!.refs.placeId, PLACE);
  });

  it('going offline while merely sharing tells no one', () => {
    assert.deepEqual(fire(L.wentOffline, { ...scope(ANN, 'inactive'), lastSeen: null }), []);
  });

  it('follows SOS, journeys, going offline and places, nothing else', () => {
    assert.deepEqual(followed(L).sort(), [
      'journey.destination_reached',
      'journey.late_alert_raised',
      'journey.routing_started',
      'journey.stuck_alert_raised',
      'place.entered',
      'place.left',
      'sos.cleared',
      'sos.raised',
      'state.went_offline',
    ]);
  });

  it('tells no one of a fix, a pause, or an event of someone not (or no longer) in the group', () => {
    assert.ok(!followed(L).includes(location.LocationSampled.type));
    assert.ok(!followed(L).includes(location.SharingPaused.type));
    assert.deepEqual(fire(L.sosRaised, { ...scope(DI, 'sos'), lat: null, lon: null }), []);
  });
});

describe('membership rules', () => {
  let seq = 0;
  /** The membership change a users event makes (its data built through the contract). */
  const change = <D>(type: EventType<D>, data: NoInfer<D>): membership.Change => {
    const event = { id: PLACE, type: type.type, version: 1, seq: ++seq, at: AT, source: 'users', stream: '', correlationId: '', causationId: '', data: checked(type, data) };
    const [c] = membership.membershipChanges(event);
    assert.ok(c, `${type.type} changes membership`);
    return c;
  };

  it('a joiner is announced to the members; the inviter is told their invite was accepted instead', () => {
    const out = memberRule(change(users.MemberJoined, { groupId: G, userId: DI, displayName: 'Di', role: 'member', invitedBy: ANN }), family);
    assert.deepEqual(out.map((d) => [d.userId, d.type, d.title]).sort(), [
      [ANN, 'invite_accepted', 'Di accepted your invite'],
      [BO, 'member_joined', 'Di joined Family'],
      [CY, 'member_joined', 'Di joined Family'],
    ]);
    assert.ok(out.every((d) => d.actorId === DI && d.priority !== 'urgent'));
  });

  it('a group\u2019s creator joining tells no one (there is no one yet)', () => {
    const empty: GroupView = { groupId: G, name: 'Family', members: new Map() };
    assert.deepEqual(memberRule(change(users.MemberJoined, { groupId: G, userId: ANN, displayName: 'Ann', role: 'owner' }), empty), []);
    assert.deepEqual(memberRule(change(users.GroupCreated, { groupId: G, name: 'Family', ownerId: ANN, ownerName: 'Ann' }), family), []);
  });

  it('a member who leaves is announced to the others', () => {
    const out = memberRule(change(users.MemberLeft, { groupId: G, userId: BO }), family);
    assert.deepEqual(out.map((d) => [d.userId, d.title]).sort(), [[ANN, 'Bo left Family'], [CY, 'Bo left Family']]);
  });

  it('a removal tells the others (not the admin who did it) and the removed member', () => {
    const out = memberRule(change(users.MemberRemoved, { groupId: G, userId: BO, by: ANN }), family);
    assert.deepEqual(out.map((d) => [d.userId, d.title]).sort(), [[BO, 'You were removed from Family'], [CY, 'Bo was removed from Family']]);
    assert.ok(out.every((d) => d.actorId === ANN));
  });
});

describe('mentions', () => {
  const C = CHAT_RULES;
  type Sent = DataOf<typeof chat.MessageSent>;
  const sent = (text: string, authorId = ANN): Sent => ({
    groupId: G,
    txnId: null,
    message: { id: PLACE, groupId: G, kind: 'user', authorId, authorName: 'Ann', text, replyTo: null, system: null, createdAt: AT, editedAt: null, deletedAt: null },
  });

  it('finds @display names in any case, the longest name first, and only whole names', () => {
    assert.deepEqual(mentioned('hi @bo!', family, ANN), [BO]);
    assert.deepEqual(mentioned('@Cy Lee and @BO', family, ANN).sort(), [BO, CY]);
    assert.deepEqual(mentioned('@Bob and @Bo2 and bo@example.com', family, ANN), []);
    assert.deepEqual(mentioned('@Ann talking to herself', family, ANN), []);
    assert.deepEqual(mentioned('@Bo', { ...family, members: new Map([[BO, 'Bo'], [DI, 'Bo Di']]) }, ANN), [BO]);
  });

  it('a message mentioning members tells them, with an excerpt', () => {
    const out = fire(C.messageSent, sent('@Bo can you pick up @Cy Lee at 5?'));
    assert.deepEqual(who(out), [BO, CY]);
    assert.equal(out[0]!.title, 'Ann mentioned you in Family');
    assert.equal(out[0]!.body, '@Bo can you pick up @Cy Lee at 5?');
    assert.equal(out[0]!.refs.messageId, PLACE);
  });

  it('shortens a long message to 140 characters', () => {
    const body = fire(C.messageSent, sent('@Bo ' + 'é'.repeat(300)))[0]!.body;
    assert.equal([...body].length, 140);
    assert.ok(body.endsWith('…'));
  });

  it('a system message or a message without mentions tells no one', () => {
    assert.deepEqual(fire(C.messageSent, sent('no one here')), []);
    const joined = sent('@Bo');
    const system = { ...joined.message, kind: 'system' as const, authorId: null, authorName: '', text: null, system: { type: 'member_joined' as const, userId: BO, name: 'Bo' } };
    assert.deepEqual(fire(C.messageSent, { ...joined, message: system }), []);
    assert.deepEqual(followed(C), [chat.MessageSent.type], 'an edit tells no one');
  });
});
