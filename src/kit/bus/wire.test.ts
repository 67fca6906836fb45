import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encode } from '../codec.ts';
import { AppError } from '../errors.ts';
import { errorReply, okReply, readReply, readTrace, traceHeaders } from './wire.ts';

describe('replies', () => {
  it('round-trips a result', () => {
    assert.deepEqual(readReply(okReply({ seq: 3, total: 12 })), { seq: 3, total: 12 });
  });

  it('sends an undefined result as null', () => {
    assert.equal(readReply(okReply(undefined)), null);
  });

  it('rebuilds an error reply as the thrown AppError', () => {
    const sent = new AppError('not_found', 'ledger.no_such_key', 'No entries under zz', { key: 'zz' });
    assert.throws(
      () => readReply(errorReply(sent)),
      (e: unknown) => e instanceof AppError && e.code === 'ledger.no_such_key' && e.kind === 'not_found' && (e.details as { key: string }).key === 'zz',
    );
  });

  for (const [what, bytes] of [
    ['bytes that are not MessagePack', new Uint8Array([0x92, 0x01])],
    ['an empty body', new Uint8Array(0)],
    ['a body with neither ok nor error', encode({ result: 1 })],
    ['a bare value', encode(5)],
    ['a malformed error', encode({ error: { code: 5 } })],
  ] as const) {
    it(`turns ${what} into kit.bad_reply`, () => {
      assert.throws(() => readReply(bytes), { code: 'kit.bad_reply', kind: 'internal' });
    });
  }
});

describe('trace headers', () => {
  it('carry correlation, causation and version there and back', () => {
    const h = traceHeaders({ correlationId: 'corr', causationId: 'cause' }, 3);
    assert.deepEqual(readTrace(h), { correlationId: 'corr', causationId: 'cause', version: 3 });
  });

  it('read as empty ids and no version when absent', () => {
    assert.deepEqual(readTrace(undefined), { correlationId: '', causationId: '', version: undefined });
    assert.deepEqual(readTrace(traceHeaders({})), { correlationId: '', causationId: '', version: undefined });
  });
});
