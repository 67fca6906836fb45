import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uuidv7 } from '../../../src/kit/index.ts';
import type { membership } from '../../../src/contracts/index.ts';
import { causeTxnId, chatStream, memberSystemKind, systemMessage, userMessage } from './messages.ts';

const [G, ANN, BO, ID] = [uuidv7(), uuidv7(), uuidv7(), uuidv7()];
const at = '2026-12-02T10:00:00.000Z';

describe('building a message', () => {
  it('makes a member’s message theirs, with their name, nothing edited or deleted', () => {
    assert.deepEqual(userMessage({ id: ID, groupId: G, author: { userId: ANN, role: 'member', displayName: 'Ann' }, text: 'Dinner?', replyTo: null, at }), {
      id: ID, groupId: G, kind: 'user', authorId: ANN, authorName: 'Ann', text: 'Dinner?', replyTo: null, system: null, createdAt: at, editedAt: null, deletedAt: null,
    });
  });

  it('makes a system message Hearth’s, with no author and no text', () => {
    assert.deepEqual(systemMessage({ id: ID, groupId: G, kind: 'sos_raised', userId: BO, name: 'Bo', at }), {
      id: ID, groupId: G, kind: 'system', authorId: null, authorName: 'Hearth', text: null, replyTo: null, system: { type: 'sos_raised', userId: BO, name: 'Bo' }, createdAt: at, editedAt: null, deletedAt: null,
    });
  });

  it('names a group’s stream and a system message’s cause', () => {
    assert.deepEqual([chatStream(G), causeTxnId(ID)], [`chat:${G}`, `cause:${ID}`]);
  });
});

describe('memberSystemKind', () => {
  const table: [membership.Change, string | undefined][] = [
    [{ kind: 'member', groupId: G, userId: BO, role: 'member', displayName: 'Bo', via: 'joined', invitedBy: ANN }, 'member_joined'],
    [{ kind: 'member', groupId: G, userId: ANN, role: 'owner', displayName: 'Ann', via: 'created', invitedBy: null }, undefined],
    [{ kind: 'left', groupId: G, userId: BO, removedBy: null }, 'member_left'],
    [{ kind: 'left', groupId: G, userId: BO, removedBy: ANN }, 'member_removed'],
    [{ kind: 'role', groupId: G, userId: BO, role: 'admin' }, undefined],
    [{ kind: 'profile', userId: BO, displayName: 'Bob' }, undefined],
    [{ kind: 'group', groupId: G, name: 'Family' }, undefined],
    [{ kind: 'group_deleted', groupId: G }, undefined],
    [{ kind: 'user_deleted', userId: BO, at }, undefined],
  ];
  for (const [change, kind] of table) {
    const label = change.kind === 'member' ? `member (${change.via})` : change.kind === 'left' ? `left (${change.removedBy ? 'removed' : 'by themselves'})` : change.kind;
    it(`${label} → ${kind ?? 'no message'}`, () => assert.equal(memberSystemKind(change), kind));
  }
});
