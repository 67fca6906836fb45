import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { location } from '../../../src/contracts/index.ts';
import * as doc from '../../support/fixtures/owntracks.ts';
import { friendsReply, type Friend } from '../../../src/gateway/owntracks/index.ts';

// uuidv7s: time-ordered, so JANE registered before JOHN.
const JANE = '0190f5b2-7c3a-7e0b-9c1d-4f2a8b6e1d90';
const JOHN = '0190f5b3-0000-7e0b-9c1d-4f2a8b6e1d91';
const JACK = '0190f5b4-0000-7e0b-9c1d-4f2a8b6e1d92';

const sample = (over: Partial<location.Sample> = {}): location.Sample => ({
  lat: 48.95833,
  lon: 2.39523,
  accuracy: null,
  altitude: null,
  speed: null,
  course: null,
  battery: null,
  batteryState: null,
  device: 'android',
  fixAt: '2016-02-23T07:33:11.000Z',
  receivedAt: '2016-02-23T07:33:12.000Z',
  ...over,
});
const friend = (userId: string, displayName: string, over: Partial<location.Sample> = {}): Friend => ({ userId, displayName, lastFix: sample(over) });

describe('friendsReply', () => {
  it('answers [] when there is no one to show', () => {
    assert.deepEqual(friendsReply([]), []);
  });

  // https://github.com/owntracks/recorder#friends-in-http-mode — the same friend, the same shape.
  it('answers as the Recorder documents: a card, then a location, sharing the tid', () => {
    const reply = friendsReply([friend(JOHN, 'John Doe')]);
    assert.deepEqual(reply, [
      { _type: 'card', tid: 'JD', topic: `owntracks/${JOHN}/android`, name: 'John Doe' },
      { _type: 'location', tid: 'JD', topic: `owntracks/${JOHN}/android`, lat: 48.95833, lon: 2.39523, tst: 1456212791 },
    ]);
    reply.forEach((o, i) => {
      const ours: Record<string, unknown> = { ...o };
      const theirs: Record<string, unknown> = doc.recorderFriendsReply[i]!;
      for (const key of Object.keys(theirs).filter((k) => k !== 'face')) assert.equal(typeof ours[key], typeof theirs[key], key);
    });
  });

  it('turns a Hearth fix back into OwnTracks units (m/s → whole km/h, epoch seconds, bs codes)', () => {
    const fix = { accuracy: 4.6, altitude: -12.4, speed: 10, course: 271.5, battery: 41, batteryState: 'charging' as const, fixAt: '2017-06-15T06:37:31.900Z' };
    const [, loc] = friendsReply([friend(JANE, 'Jane Jolie', fix)]);
    assert.deepEqual(loc, { _type: 'location', tid: 'JJ', topic: `owntracks/${JANE}/android`, lat: 48.95833, lon: 2.39523, tst: 1497508651, acc: 5, alt: -12, vel: 36, cog: 272, batt: 41, bs: 2 });
  });

  for (const [state, bs] of [['unknown', 0], ['unplugged', 1], ['charging', 2], ['full', 3]] as const) {
    it(`sends batteryState ${state} as bs ${bs}`, () => {
      const [, loc] = friendsReply([friend(JANE, 'Jane', { batteryState: state })]);
      assert.equal(loc && 'bs' in loc && loc.bs, bs);
    });
  }

  it('leaves null readings out (no null, no undefined on the wire)', () => {
    const [, loc] = friendsReply([friend(JANE, 'Jane')]);
    assert.deepEqual(Object.keys(loc!).sort(), ['_type', 'lat', 'lon', 'tid', 'topic', 'tst']);
    assert.ok(!JSON.stringify(friendsReply([friend(JANE, 'Jane'), friend(JOHN, 'John')])).includes('null'));
  });

  it('gives friends with the same initials distinct tids, the older account keeping its own', () => {
    const reply = friendsReply([friend(JOHN, 'John Doe'), friend(JANE, 'Jane Doe')]);
    const tidOf = (id: string) => reply.find((o) => o.topic.includes(id))!.tid;
    assert.equal(tidOf(JANE), 'JD');
    assert.equal(tidOf(JOHN), 'JO');
    assert.deepEqual(friendsReply([friend(JANE, 'Jane Doe'), friend(JOHN, 'John Doe')]), reply);
  });

  it('names the topic after the user id and the fix’s device, the same on card and location', () => {
    const reply = friendsReply([friend(JACK, 'Jack', { device: 'Jack’s phone' })]);
    assert.deepEqual(reply.map((o) => o.topic), [`owntracks/${JACK}/Jack-s-phone`, `owntracks/${JACK}/Jack-s-phone`]);
  });

  it('sends only locations when asked for no cards', () => {
    const reply = friendsReply([friend(JANE, 'Jane'), friend(JOHN, 'John')], { cards: false });
    assert.deepEqual(reply.map((o) => o._type), ['location', 'location']);
  });

  it('leaves out a friend whose fix has no usable time', () => {
    assert.deepEqual(friendsReply([friend(JANE, 'Jane', { fixAt: 'yesterday' })]), []);
  });

  it('keeps the newer fix of a friend given twice', () => {
    const reply = friendsReply([friend(JANE, 'Jane', { lat: 1, fixAt: '2024-01-01T00:00:00Z' }), friend(JANE, 'Jane', { lat: 2, fixAt: '2024-01-02T00:00:00Z' })]);
    assert.equal(reply.length, 2);
    assert.equal(reply[1]?._type === 'location' && reply[1].lat, 2);
  });

  it('sends a card without a name for a blank display name', () => {
    const [card] = friendsReply([friend(JANE, '  ')]);
    assert.deepEqual(card, { _type: 'card', tid: 'AA', topic: `owntracks/${JANE}/android` });
  });
});

describe('friendsReply: faces and stable tids (#16)', () => {
  const tidsOf = (reply: ReturnType<typeof friendsReply>) => new Map(reply.filter((o) => o._type === 'card').map((o) => [o.topic.split('/')[1], o.tid]));

  it('puts a friend\u2019s face on their card, base64 as given, and none where there is none', () => {
    const faces = new Map([[JANE, '/9j/4AAQSkZJRg=='], [JOHN, null]]);
    const reply = friendsReply([friend(JANE, 'Jane Doe'), friend(JOHN, 'John Roe')], { faces });
    const cards = reply.filter((o) => o._type === 'card');
    assert.deepEqual(cards.map((c) => ('face' in c ? c.face : undefined)), ['/9j/4AAQSkZJRg==', undefined]);
    assert.ok(!reply.some((o) => o._type === 'location' && 'face' in o), 'faces go on cards only');
  });

  it('keeps a friend\u2019s tid when a namesake who registered earlier pauses, and when others join or leave', () => {
    const coMembers = [
      { userId: JANE, displayName: 'Jane Doe' },
      { userId: JOHN, displayName: 'John Doe' },
      { userId: JACK, displayName: 'Jack Doe' },
    ];
    const all = tidsOf(friendsReply([friend(JANE, 'Jane Doe'), friend(JOHN, 'John Doe'), friend(JACK, 'Jack Doe')], { coMembers }));
    assert.deepEqual([all.get(JANE), all.get(JOHN), all.get(JACK)], ['JD', 'JO', 'JA']);
    // Jane pauses (no longer a friend shown, still a co-member): John and Jack keep theirs.
    const janePaused = tidsOf(friendsReply([friend(JOHN, 'John Doe'), friend(JACK, 'Jack Doe')], { coMembers }));
    assert.deepEqual([janePaused.get(JOHN), janePaused.get(JACK)], ['JO', 'JA']);
    // Jack (the newest) leaves: the others keep theirs.
    const jackGone = tidsOf(friendsReply([friend(JANE, 'Jane Doe'), friend(JOHN, 'John Doe')], { coMembers: coMembers.slice(0, 2) }));
    assert.deepEqual([jackGone.get(JANE), jackGone.get(JOHN)], ['JD', 'JO']);
    // A newer namesake joins: everyone already there keeps theirs, the newcomer gets a free one.
    const NEWER = '0190f5b5-0000-7e0b-9c1d-4f2a8b6e1d93';
    const joined = tidsOf(friendsReply([friend(JANE, 'Jane Doe'), friend(JOHN, 'John Doe'), friend(JACK, 'Jack Doe'), friend(NEWER, 'Jo Doe')], { coMembers: [...coMembers, { userId: NEWER, displayName: 'Jo Doe' }] }));
    assert.deepEqual([joined.get(JANE), joined.get(JOHN), joined.get(JACK)], ['JD', 'JO', 'JA']);
    assert.equal(new Set(joined.values()).size, 4);
  });
});
