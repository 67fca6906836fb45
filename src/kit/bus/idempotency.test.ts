import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { claimHeader, readClaim } from './idempotency.ts';

describe('kit: idempotency claims on the wire', () => {
  const claim = { scope: 'ip:2001:db8::1', key: 'k"{}\\ 1', call: 'svc.users.register#0', fingerprint: 'ab'.repeat(32), hours: 24 };

  it('reads back the claim it wrote, whatever visible characters the key holds', () => {
    assert.deepEqual(readClaim(claimHeader(claim)), claim);
  });

  it('reads no claim from an absent or empty header', () => {
    assert.equal(readClaim(undefined), undefined);
    assert.equal(readClaim(''), undefined);
  });

  for (const [name, header] of [
    ['not JSON', '{scope'],
    ['a field missing', JSON.stringify({ ...claim, call: undefined })],
    ['an empty key', JSON.stringify({ ...claim, key: '' })],
    ['negative hours', JSON.stringify({ ...claim, hours: -1 })],
    ['a field it does not know', JSON.stringify({ ...claim, extra: true })],
    ['not an object', '[1,2]'],
  ] as const) {
    it(`refuses a claim with ${name}`, () => {
      assert.throws(() => readClaim(header), (e: Error & { code?: string }) => e.code === 'kit.invalid_idempotency');
    });
  }
});
