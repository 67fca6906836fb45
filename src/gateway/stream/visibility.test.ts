import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Envelope } from '../../kit/index.ts';
import { membershipChange, visibleLive, visibleReplay } from './visibility.ts';

let seq = 0;
const ev = (groupId: string, type: string, data: Record<string, unknown> = {}) => ({
  groupId,
  event: { id: `e${++seq}`, type, version: 1, seq, at: '', source: 'users', stream: '', correlationId: '', causationId: '', data: { groupId, ...data } } as Envelope,
});
const ids = (entries: Array<{ event: Envelope }>) => entries.map((e) => (e.event.data as { n?: string }).n ?? e.event.type);

describe('membershipChange', () => {
  it('names the user\'s own joins, leaves and removals, and every deletion', () => {
    assert.equal(membershipChange(ev('g', 'group.member_joined', { userId: 'u' }).event, 'u'), 'joined');
    assert.equal(membershipChange(ev('g', 'group.member_left', { userId: 'u' }).event, 'u'), 'left');
    assert.equal(membershipChange(ev('g', 'group.member_removed', { userId: 'u', by: 'x' }).event, 'u'), 'left');
    assert.equal(membershipChange(ev('g', 'group.deleted').event, 'u'), 'deleted');
  });

  it('ignores other users\' membership events and other event types', () => {
    assert.equal(membershipChange(ev('g', 'group.member_left', { userId: 'x' }).event, 'u'), null);
    assert.equal(membershipChange(ev('g', 'group.member_role_changed', { userId: 'u' }).event, 'u'), null);
    assert.equal(membershipChange(ev('g', 'chat.message_sent', { userId: 'u' }).event, 'u'), null);
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
    const w = [ev('g', 'x', { n: 'before' }), ev('g', 'group.member_joined', { userId: 'u', n: 'join' }), ev('g', 'x', { n: 'after' })];
    assert.deepEqual(ids(visibleReplay(w, 'u', ['g'])), ['join', 'after']);
  });

  it('given a user who left inside the window, replays up to and including the leave', () => {
    const w = [ev('g', 'x', { n: 'before' }), ev('g', 'group.member_left', { userId: 'u', n: 'leave' }), ev('g', 'x', { n: 'after' })];
    assert.deepEqual(ids(visibleReplay(w, 'u', [])), ['before', 'leave']);
  });

  it('given a leave and a re-join, skips the time between', () => {
    const w = [
      ev('g', 'group.member_removed', { userId: 'u', n: 'out' }),
      ev('g', 'x', { n: 'gap' }),
      ev('g', 'group.member_joined', { userId: 'u', n: 'in' }),
      ev('g', 'x', { n: 'back' }),
    ];
    assert.deepEqual(ids(visibleReplay(w, 'u', ['g'])), ['out', 'in', 'back']);
  });

  it('never replays a group the user was never in', () => {
    const w = [ev('other', 'x', { n: 'no' }), ev('other', 'group.member_left', { userId: 'v', n: 'no2' }), ev('g', 'x', { n: 'yes' })];
    assert.deepEqual(ids(visibleReplay(w, 'u', ['g'])), ['yes']);
  });

  it('replays a deletion only to a user the window shows as a member', () => {
    const joinedThenDeleted = [ev('d', 'group.member_joined', { userId: 'u', n: 'join' }), ev('d', 'group.deleted', { n: 'deleted' })];
    assert.deepEqual(ids(visibleReplay(joinedThenDeleted, 'u', [])), ['join', 'deleted']);
    assert.deepEqual(ids(visibleReplay([ev('d', 'group.deleted', { n: 'deleted' })], 'u', [])), []);
  });
});
