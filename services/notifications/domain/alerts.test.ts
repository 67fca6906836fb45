/** The alert rules' drafts: who is told (never the phone's owner; nobody once they left), and the texts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lowBatteryDrafts, phoneUnreadableDraft, silenceDrafts } from './alerts.ts';
import { inWords } from './texts.ts';
import type { GroupView } from './drafts.ts';

const ANN = '01900000-0000-7000-8000-00000000000a';
const BO = '01900000-0000-7000-8000-00000000000b';
const CY = '01900000-0000-7000-8000-00000000000c';
const g: GroupView = { groupId: '01900000-0000-7000-8000-0000000000f1', name: 'Family', members: new Map([[ANN, 'Ann'], [BO, 'Bo'], [CY, 'Cy']]) };

describe('alert drafts', () => {
  it('low battery tells the others, not the owner; nobody when the owner is not in the group', () => {
    const out = lowBatteryDrafts(BO, 12, g);
    assert.deepEqual(out.map((d) => d.userId), [ANN, CY]);
    assert.equal(out[0]!.title, 'Bo\u2019s phone battery is low');
    assert.equal(out[0]!.actorId, BO);
    assert.deepEqual(lowBatteryDrafts('01900000-0000-7000-8000-0000000000ee', 12, g), []);
  });

  it('stopped reporting says for how long, in words', () => {
    const [d] = silenceDrafts(ANN, 90, g);
    assert.equal(d!.priority, 'high');
    assert.match(d!.body, /for over 1 hour 30 minutes \(Family\)/);
    assert.deepEqual([inWords(120), inWords(45), inWords(61), inWords(1440), inWords(10_080), inWords(1500)], ['2 hours', '45 minutes', '1 hour 1 minute', '1 day', '7 days', '25 hours']);
  });

  it('an unreadable phone tells its owner only, about no group, saying why', () => {
    const d = phoneUnreadableDraft({ userId: BO, device: 'pixel', reason: 'wrong_key' });
    assert.equal(d.userId, BO);
    assert.equal(d.groupId, null);
    assert.match(d.body, /\(pixel\) encrypts its locations with a key that is not the one set in Hearth/);
    assert.match(phoneUnreadableDraft({ userId: BO, device: 'pixel', reason: 'no_key' }).body, /Hearth has no key to read them/);
  });
});
