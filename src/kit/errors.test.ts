import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decode, encode } from './codec.ts';
import { AppError, ErrorKind, toAppError } from './errors.ts';

describe('AppError on the wire', () => {
  it('comes back with the same kind, code, message and details after a MessagePack round trip', () => {
    const sent = new AppError('not_found', 'chat.no_such_group', 'No such group', { groupId: 'g1', tried: [1, 2] });
    const got = AppError.fromWire(decode(encode(sent.toWire())));
    assert.ok(got instanceof AppError);
    assert.equal(got.kind, 'not_found');
    assert.equal(got.code, 'chat.no_such_group');
    assert.equal(got.message, 'No such group');
    assert.deepEqual(got.details, { groupId: 'g1', tried: [1, 2] });
  });

  it('leaves details out of the wire form when there are none', () => {
    assert.deepEqual(new AppError('conflict', 'x.taken', 'Taken').toWire(), { code: 'x.taken', kind: 'conflict', message: 'Taken' });
  });

  it('never sends the cause over the wire', () => {
    const wire = new AppError('internal', 'x.y', 'm', undefined, { cause: new Error('db password is hunter2') }).toWire();
    assert.doesNotMatch(JSON.stringify(wire), /hunter2/);
  });

  const malformed: [string, unknown][] = [
    ['null', null],
    ['undefined', undefined],
    ['a string', 'kit.internal'],
    ['an array', ['x.y', 'internal', 'm']],
    ['a numeric code', { code: 1, kind: 'internal', message: 'm' }],
    ['a missing message', { code: 'x.y', kind: 'internal' }],
    ['an unknown kind', { code: 'x.y', kind: 'teapot', message: 'm' }],
    ['a missing kind', { code: 'x.y', message: 'm' }],
  ];
  for (const [what, value] of malformed) {
    it(`rebuilds an error with ${what} as kit.bad_reply`, () => {
      const e = AppError.fromWire(value);
      assert.equal(e.code, 'kit.bad_reply');
      assert.equal(e.kind, 'internal');
    });
  }

  it('accepts every declared kind from the wire', () => {
    for (const kind of Object.values(ErrorKind)) assert.equal(AppError.fromWire({ code: 'a.b', kind, message: 'm' }).kind, kind);
  });
});

describe('AppError.retryable', () => {
  it('is true only for unavailable and timeout', () => {
    const retryable = Object.values(ErrorKind).filter((k) => new AppError(k, 'a.b', 'm').retryable);
    assert.deepEqual(retryable.sort(), ['timeout', 'unavailable']);
  });
});

describe('toAppError', () => {
  it('returns an AppError unchanged', () => {
    const e = new AppError('forbidden', 'a.b', 'm');
    assert.equal(toAppError(e), e);
  });

  it('turns anything else into kit.internal with a generic message and keeps it as the cause', () => {
    const original = new Error('connection string postgres://u:secret@h');
    const e = toAppError(original);
    assert.equal(e.code, 'kit.internal');
    assert.equal(e.kind, 'internal');
    assert.equal(e.message, 'Internal error');
    assert.equal(e.cause, original);
    assert.equal(toAppError('a thrown string').cause, 'a thrown string');
  });
});
