import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, uuidv7 } from '../../../src/kit/index.ts';
import type { chat, membership, users } from '../../../src/contracts/index.ts';
import { decideDelete, decideEdit, decideReadMarker, mayDelete } from './decide.ts';

const [G, ANN, BO] = [uuidv7(), uuidv7(), uuidv7()];
const at = '2026-12-02T10:00:00.000Z';
const later = '2026-12-02T11:00:00.000Z';

const message = (o: Partial<chat.Message> = {}): chat.Message => ({
  id: uuidv7(), groupId: G, seq: 5, kind: 'user', authorId: ANN, authorName: 'Ann', text: 'hi', replyTo: null, system: null, createdAt: at, editedAt: null, deletedAt: null, ...o,
});
const systemMsg = message({ kind: 'system', authorId: null, authorName: 'Hearth', text: null, system: { type: 'member_joined', userId: BO, name: 'Bo' } });
const member = (userId: string, role: users.Role): membership.Member => ({ userId, role, displayName: 'x' });

/** The code a decision refuses with, or 'ok'. */
function outcome(decide: () => unknown): string {
  try {
    decide();
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof AppError);
    return err.code;
  }
}

describe('editing', () => {
  it('is the author’s, as an edit of the text at this instant', () => {
    const m = message();
    assert.deepEqual(decideEdit(m, ANN, 'hello', later), { groupId: G, messageId: m.id, text: 'hello', editedAt: later });
  });

  it('refuses anyone else, whatever their role, and a deleted message', () => {
    assert.equal(outcome(() => decideEdit(message(), BO, 'mine now', later)), 'chat.not_author');
    assert.equal(outcome(() => decideEdit(message({ text: null, deletedAt: at }), ANN, 'back', later)), 'chat.deleted');
    assert.equal(outcome(() => decideEdit(systemMsg, BO, 'rewritten', later)), 'chat.not_author');
  });
});

describe('deleting', () => {
  // given the deleter's role and whose message, then may they delete it
  const table: [string, membership.Member, chat.Message, boolean][] = [
    ['the author (a member)', member(ANN, 'member'), message(), true],
    ['another member', member(BO, 'member'), message(), false],
    ['an admin, another’s message', member(BO, 'admin'), message(), true],
    ['the owner, another’s message', member(BO, 'owner'), message(), true],
    ['the owner, a system message', member(BO, 'owner'), systemMsg, false],
    ['an admin, a system message', member(BO, 'admin'), systemMsg, false],
    ['a member, a system message', member(BO, 'member'), systemMsg, false],
  ];
  for (const [who, m, msg, may] of table) {
    it(`${who}: ${may ? 'may' : 'may not'}`, () => {
      assert.equal(mayDelete(msg, m), may);
      assert.equal(outcome(() => decideDelete(msg, m, later)), may ? 'ok' : 'chat.not_author');
    });
  }

  it('erases the text at this instant, naming who deleted it', () => {
    const m = message();
    assert.deepEqual(decideDelete(m, member(BO, 'admin'), later), { groupId: G, messageId: m.id, by: BO, deletedAt: later });
  });

  it('changes nothing when the message is deleted already (whoever asks)', () => {
    assert.equal(decideDelete(message({ text: null, deletedAt: at }), member(BO, 'member'), later), null);
  });
});

describe('the read marker', () => {
  const m = message({ seq: 5 });
  it('moves to a message after it, or from nowhere', () => {
    assert.deepEqual(decideReadMarker(undefined, m, BO), { groupId: G, userId: BO, messageId: m.id, seq: 5 });
    assert.deepEqual(decideReadMarker({ seq: 4 }, m, BO), { groupId: G, userId: BO, messageId: m.id, seq: 5 });
  });

  it('never moves back, nor to where it is', () => {
    assert.deepEqual([decideReadMarker({ seq: 5 }, m, BO), decideReadMarker({ seq: 9 }, m, BO)], [null, null]);
  });
});
