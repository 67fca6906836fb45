import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Envelope } from '../../kit/index.ts';
import { membershipChange, visibleLive, visibleReplay } from './visibility.ts';

// Ids the users contract accepts (it checks them: membership is read through it).
const id = (n: number) => `01900000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const [G, D, OTHER] = [id(1), id(2), id(3)];
const [U, V, X] = [id(11), id(12), id(13)];
// A join names the member's display name and role, as the contract requires.
const JOIN = { displayName: 'U', role: 'member' };

let seq = 0;
const ev = (groupId: string, type: string, data: Record<string, unknown> = {}) => ({
  groupId,
  event: { id: `e${++seq}`, type, version: 1, seq, at: '', source: 'users', stream: '', correlationId: '', causationId: '', data: { groupId, ...(type === 'group.member_joined' ? JOIN : {}), ...data } } as Envelope,
});
const ids = (entries: Array<{ event: Envelope }>) => entries.map((e) => (e.event.data as { n?: string }).n ?? e.event.type);

describe('membershipChange', () => {
  it('names the user\'s own joins, leaves and removals, and every deletion', () => {
    assert.equal(membershipChange(ev(G, 'group.member_joined', { userId: U }).event, U), 'joined');
    assert.equal(membershipChange(ev(G, 'group.member_left', { userId: U }).event, U), 'left');
    assert.equal(membershipChange(ev(G, 'group.member_removed', { userId: U, by: X }).event, U), 'left');
    assert.equal(membershipChange(ev(G, 'group.deleted').event, U), 'deleted');
  });

  it('ignores other users\' membership events and other event types', () => {
    assert.equal(membershipChange(ev(G, 'group.member_left', { userId: X }).event, U), null);
    assert.equal(membershipChange(ev(G, 'group.member_role_changed', { userId: U }).event, U), null);
    assert.equal(membershipChange(ev(G, 'chat.message_sent', { userId: U }).event, U), null);
  });
});

describe('visibleLive', () => {
  const table: Array<[string, ReturnType<typeof membershipChange>, boolean, boolean, boolean]> = [
    ['a member sees an ordinary event', null, true, true, true],
    ['a non-member does not', null, false, false, false],
    ['a former member does not see ordinary events', null, false, true, false],
    ['the user sees their own removal although no longer a member', 'left', false, true, true],
    ['the user sees their own join even if the read model lags', 'joined', false, false, true],
    ['a member just before a deletion sees it', 'deleted', false, true, true],
    ['a non-member does not see a deletion', 'deleted', false, false, false],
  ];
  for (const [name, change, isMember, wasMember, expected] of table) {
    it(name, () => assert.equal(visibleLive(change, isMember, wasMember), expected));
  }
});

describe('visibleReplay', () => {
  it('given a user who joined inside the window, replays from their join on', () => {
    const w = [ev(G, 'x', { n: 'before' }), ev(G, 'group.member_joined', { userId: U, n: 'join' }), ev(G, 'x', { n: 'after' })];
    assert.deepEqual(ids(visibleReplay(w, U, [G])), ['join', 'after']);
  });

  it('given a user who left inside the window, replays up to and including the leave', () => {
    const w = [ev(G, 'x', { n: 'before' }), ev(G, 'group.member_left', { userId: U, n: 'leave' }), ev(G, 'x', { n: 'after' })];
    assert.deepEqual(ids(visibleReplay(w, U, [])), ['before', 'leave']);
  });

  it('given a leave and a re-join, skips the time between', () => {
    const w = [
      ev(G, 'group.member_removed', { userId: U, by: X, n: 'out' }),
      ev(G, 'x', { n: 'gap' }),
      ev(G, 'group.member_joined', { userId: U, n: 'in' }),
      ev(G, 'x', { n: 'back' }),
    ];
    assert.deepEqual(ids(visibleReplay(w, U, [G])), ['out', 'in', 'back']);
  });

  it('never replays a group the user was never in', () => {
    const w = [ev(OTHER, 'x', { n: 'no' }), ev(OTHER, 'group.member_left', { userId: V, n: 'no2' }), ev(G, 'x', { n: 'yes' })];
    assert.deepEqual(ids(visibleReplay(w, U, [G])), ['yes']);
  });

  it('replays a deletion only to a user the window shows as a member', () => {
    const joinedThenDeleted = [ev(D, 'group.member_joined', { userId: U, n: 'join' }), ev(D, 'group.deleted', { n: 'deleted' })];
    assert.deepEqual(ids(visibleReplay(joinedThenDeleted, U, [])), ['join', 'deleted']);
    assert.deepEqual(ids(visibleReplay([ev(D, 'group.deleted', { n: 'deleted' })], U, [])), []);
  });
});
