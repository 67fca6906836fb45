import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Secret } from 'otpauth';
import { asTotpCode, newRecoveryCodes, newTotpSecret, recoveryCodeHash, totpCode, totpStep, totpUri } from './totp.ts';

// RFC 6238 appendix B: the SHA-1 seed "12345678901234567890"; at T = 59 s the 8-digit code is 94287082.
const RFC_SECRET = Secret.fromLatin1('12345678901234567890').base32;

describe('TOTP codes (RFC 6238)', () => {
  it('computes the RFC 6238 test vector (its last 6 digits)', () => {
    assert.equal(totpCode(RFC_SECRET, 59_000), '287082');
    assert.equal(totpCode(RFC_SECRET, 1_111_111_109_000), '081804');
  });

  it('accepts a code for its step and one step either side, each step once', () => {
    const s = newTotpSecret();
    assert.match(s, /^[A-Z2-7]{32}$/);
    const now = 1_700_000_015_000; // mid-step
    const step = Math.floor(now / 30_000);
    assert.equal(totpStep(s, totpCode(s, now), now, null), step);
    assert.equal(totpStep(s, totpCode(s, now - 30_000), now, null), step - 1);
    assert.equal(totpStep(s, totpCode(s, now + 30_000), now, null), step + 1);
    assert.equal(totpStep(s, totpCode(s, now - 60_000), now, null), undefined, 'two steps old');
    assert.equal(totpStep(s, totpCode(s, now), now, step), undefined, 'already used');
    assert.equal(totpStep(s, totpCode(s, now - 30_000), now, step), undefined, 'older than the last used');
    assert.equal(totpStep(s, totpCode(s, now + 30_000), now, step), step + 1);
  });

  it('reads a typed code with spaces, and nothing else as one', () => {
    assert.equal(asTotpCode(' 123 456 '), '123456');
    for (const x of ['12345', '1234567', 'abcdef', '12345６']) assert.equal(asTotpCode(x), undefined);
  });

  it('labels the otpauth:// URI with the issuer and the email', () => {
    const u = new URL(totpUri('JBSWY3DPEHPK3PXP', 'ann@example.com'));
    assert.equal(u.protocol, 'otpauth:');
    assert.equal(u.host, 'totp');
    assert.equal(decodeURIComponent(u.pathname), '/Hearth:ann@example.com');
    assert.equal(u.searchParams.get('secret'), 'JBSWY3DPEHPK3PXP');
    assert.equal(u.searchParams.get('issuer'), 'Hearth');
    assert.equal(u.searchParams.get('digits'), '6');
    assert.equal(u.searchParams.get('period'), '30');
  });

  it('makes ten distinct recovery codes, matched whatever their case, spaces or dash', () => {
    const codes = newRecoveryCodes();
    assert.equal(new Set(codes).size, 10);
    for (const c of codes) assert.match(c, /^[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}$/);
    const c = codes[0]!;
    assert.equal(recoveryCodeHash(c.toUpperCase().replace('-', ' ')), recoveryCodeHash(c));
    assert.notEqual(recoveryCodeHash(codes[1]!), recoveryCodeHash(c));
  });
});
