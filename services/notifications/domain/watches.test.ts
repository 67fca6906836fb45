/** Watches: none in a group lets every arrival and departure through; some let only what they match. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { notifications } from '../../../src/contracts/index.ts';
import { watched } from './watches.ts';

const G = '01900000-0000-7000-8000-0000000000f1';
const H = '01900000-0000-7000-8000-0000000000f2';
const SAM = '01900000-0000-7000-8000-00000000000a';
const BO = '01900000-0000-7000-8000-00000000000b';
const SCHOOL = '01900000-0000-7000-8000-0000000000c1';
const HOME = '01900000-0000-7000-8000-0000000000c2';
const draft = (type: notifications.NotificationType, userId: string, placeId: string, groupId = G) => ({ type, groupId, refs: { userId, placeId } });
const w = (x: Partial<notifications.Watch>): notifications.Watch => ({ groupId: G, userId: null, placeId: null, on: 'arrive', ...x });

describe('watched', () => {
  it('lets everything through with no watches (today\u2019s behaviour)', () => {
    assert.equal(watched({ watches: [] }, draft('place_left', SAM, HOME)), true);
  });

  it('"tell me when Sam arrives at School": that, and nothing else in the group', () => {
    const p = { watches: [w({ userId: SAM, placeId: SCHOOL })] };
    assert.equal(watched(p, draft('place_entered', SAM, SCHOOL)), true);
    assert.equal(watched(p, draft('place_left', SAM, SCHOOL)), false, 'leaving is not arriving');
    assert.equal(watched(p, draft('place_entered', BO, SCHOOL)), false, 'another member');
    assert.equal(watched(p, draft('place_entered', SAM, HOME)), false, 'another place');
  });

  it('null means anyone or any place; both means arriving and leaving', () => {
    const p = { watches: [w({ placeId: HOME, on: 'both' }), w({ userId: BO, on: 'leave' })] };
    assert.equal(watched(p, draft('place_entered', SAM, HOME)), true);
    assert.equal(watched(p, draft('place_left', SAM, HOME)), true);
    assert.equal(watched(p, draft('place_left', BO, SCHOOL)), true);
    assert.equal(watched(p, draft('place_entered', BO, SCHOOL)), false);
  });

  it('leaves other groups and other types alone', () => {
    const p = { watches: [w({ userId: SAM, placeId: SCHOOL })] };
    assert.equal(watched(p, draft('place_entered', BO, HOME, H)), true);
    assert.equal(watched(p, draft('sos_raised', BO, HOME)), true);
  });
});
