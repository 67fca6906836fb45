import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uuidv7, type Envelope } from '../../kit/index.ts';
import { MemoryModel } from './memory.ts';
import { changesOf } from '../consumers/users.ts';

const G = uuidv7();
const [OWNER, MEMBER] = [uuidv7(), uuidv7()];
let seq = 0;
const event = (type: string, data: unknown): Envelope => ({ id: uuidv7(), type, version: 1, seq: ++seq, at: new Date().toISOString(), source: 'users', stream: '', correlationId: '', causationId: '', data });

/** given(events) → the memory after them. */
function given(...events: Envelope[]): MemoryModel {
  const m = new MemoryModel();
  for (const e of events) for (const c of changesOf(e)) m.apply(c);
  return m;
}

const created = () => event('group.created', { groupId: G, name: 'Family', ownerId: OWNER, ownerName: 'O' });
const joined = () => event('group.member_joined', { groupId: G, userId: MEMBER, displayName: 'M', role: 'member' });

describe('the read model in memory', () => {
  it('makes the creator the owner', () => assert.equal(given(created()).roleOf(G, OWNER), 'owner'));

  it('adds members and changes roles', () => {
    const m = given(created(), joined(), event('group.member_role_changed', { groupId: G, userId: MEMBER, role: 'admin' }));
    assert.equal(m.roleOf(G, MEMBER), 'admin');
    assert.deepEqual(m.groupsOf(MEMBER), [G]);
  });

  it('ignores a role change for someone not in the group', () => {
    assert.equal(given(created(), event('group.member_role_changed', { groupId: G, userId: MEMBER, role: 'admin' })).roleOf(G, MEMBER), undefined);
  });

  it('forgets members who leave or are removed, and everyone when the group is deleted', () => {
    assert.equal(given(created(), joined(), event('group.member_left', { groupId: G, userId: MEMBER })).roleOf(G, MEMBER), undefined);
    assert.deepEqual(given(created(), joined(), event('group.member_removed', { groupId: G, userId: MEMBER, by: OWNER })).groupsOf(MEMBER), []);
    const m = given(created(), joined(), event('group.deleted', { groupId: G }));
    assert.deepEqual([m.groupsOf(OWNER), m.groupsOf(MEMBER)], [[], []]);
  });

  it('drops a deleted user from every group and remembers the deletion', () => {
    const m = given(created(), joined(), event('user.deleted', { userId: MEMBER }));
    assert.deepEqual([m.roleOf(G, MEMBER), m.isDeleted(MEMBER)], [undefined, true]);
  });

  it('remembers revoked sessions until they can no longer matter', () => {
    const sid = uuidv7();
    const m = given(event('session.revoked', { userId: OWNER, sessionId: sid, reason: 'logout' }));
    assert.equal(m.isRevoked(sid), true);
    m.forgetRevocationsBefore(Date.now() + 1000);
    assert.equal(m.isRevoked(sid), false);
  });

  it('skips event types it does not follow, and refuses malformed data', () => {
    assert.deepEqual(changesOf(event('user.registered', { userId: OWNER, displayName: 'O', admin: false })), []);
    assert.throws(() => changesOf(event('group.member_joined', { groupId: 'nope' })), /gateway.invalid_event|Invalid/);
  });
});
