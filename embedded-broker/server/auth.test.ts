/**
 * Authentication of CONNECT by token, user and password, and nkey signatures over the
 * nonce, as nats-server's checkClientAuth does it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createUser } from '@nats-io/nkeys';
import { defaultConnectOptions, type ConnectOptions } from '../protocol/connect.ts';
import { Authenticator } from './auth.ts';
import type { AuthorizationOptions, Permissions } from './options.ts';

const connect = (fields: Partial<ConnectOptions>): ConnectOptions => ({ ...defaultConnectOptions(), ...fields });

describe('Authenticator without credentials configured', () => {
  const configs: [string, AuthorizationOptions | undefined][] = [
    ['no authorization block', undefined],
    ['a block with only a timeout', { timeout: 1000 }],
    ['an empty users list', { users: [] }],
  ];
  for (const [what, auth] of configs) {
    it(`lets anyone in with ${what}`, () => {
      const a = new Authenticator(auth);
      assert.equal(a.required, false);
      assert.equal(a.usesNonce, false);
      assert.equal(a.nonce(), undefined);
      assert.deepEqual(a.check(connect({ user: 'x', pass: 'y' }), undefined), { name: '' });
    });
  }
});

describe('Authenticator with a token', () => {
  const a = new Authenticator({ token: 's3cret' });

  it('requires authentication without a nonce', () => {
    assert.equal(a.required, true);
    assert.equal(a.usesNonce, false);
    assert.equal(a.nonce(), undefined);
  });

  it('accepts the token', () => {
    assert.deepEqual(a.check(connect({ authToken: 's3cret' }), undefined), { name: 'token' });
  });

  const refused: [string, Partial<ConnectOptions>][] = [
    ['a wrong token', { authToken: 's3creT' }],
    ['a prefix of the token', { authToken: 's3cre' }],
    ['the token with more after it', { authToken: 's3cret!' }],
    ['no token', {}],
    ['an empty token', { authToken: '' }],
    ['the token as a password', { user: 'token', pass: 's3cret' }],
  ];
  for (const [what, fields] of refused) {
    it(`refuses ${what}`, () => assert.equal(a.check(connect(fields), undefined), undefined));
  }
});

describe('Authenticator with a single user and password', () => {
  const a = new Authenticator({ user: 'alice', password: 'pw' });

  it('requires authentication without a nonce', () => {
    assert.equal(a.required, true);
    assert.equal(a.usesNonce, false);
  });

  it('accepts the user with the password', () => {
    assert.deepEqual(a.check(connect({ user: 'alice', pass: 'pw' }), undefined), { name: 'alice' });
  });

  const refused: [string, Partial<ConnectOptions>][] = [
    ['a wrong password', { user: 'alice', pass: 'pW' }],
    ['no password', { user: 'alice' }],
    ['a wrong user', { user: 'bob', pass: 'pw' }],
    ['no user', { pass: 'pw' }],
    ['a token', { authToken: 'pw' }],
  ];
  for (const [what, fields] of refused) {
    it(`refuses ${what}`, () => assert.equal(a.check(connect(fields), undefined), undefined));
  }
});

describe('Authenticator with a users list', () => {
  const alice = createUser();
  const carol = createUser();
  const stranger = createUser();
  const alicePerms: Permissions = { publish: { allow: ['a.>'] } };
  const bobPerms: Permissions = { subscribe: { deny: ['secret'] } };
  const a = new Authenticator({
    users: [
      { nkey: alice.getPublicKey(), permissions: alicePerms },
      { user: 'bob', password: 'pw', permissions: bobPerms },
      { user: 'dave', password: 'pw2' },
      { nkey: carol.getPublicKey() },
    ],
  });
  const nonce = a.nonce()!;
  const enc = new TextEncoder();
  /** The Go client's encoding: raw URL base64. */
  const rawUrl = (sig: Uint8Array): string => Buffer.from(sig).toString('base64url');

  it('requires authentication and sends a nonce because some user has an nkey', () => {
    assert.equal(a.required, true);
    assert.equal(a.usesNonce, true);
  });

  it('hands out 15-character URL-safe nonces, a new one each time', () => {
    assert.match(nonce, /^[A-Za-z0-9_-]{15}$/);
    const many = new Set(Array.from({ length: 50 }, () => a.nonce()));
    assert.equal(many.size, 50);
  });

  it('does not send a nonce when no user has an nkey', () => {
    const b = new Authenticator({ users: [{ user: 'bob', password: 'pw' }] });
    assert.equal(b.required, true);
    assert.equal(b.usesNonce, false);
    assert.equal(b.nonce(), undefined);
  });

  it('accepts an nkey user who signed the nonce (raw URL base64, as nats.go sends it)', () => {
    const sig = rawUrl(alice.sign(enc.encode(nonce)));
    assert.deepEqual(a.check(connect({ nkey: alice.getPublicKey(), sig }), nonce), {
      name: alice.getPublicKey(),
      permissions: alicePerms,
    });
  });

  it('accepts a padded standard base64 signature, as nats.js 2.x sends it', () => {
    const sig = Buffer.from(carol.sign(enc.encode(nonce))).toString('base64');
    assert.deepEqual(a.check(connect({ nkey: carol.getPublicKey(), sig }), nonce), { name: carol.getPublicKey(), permissions: undefined });
  });

  it('refuses a signature of another nonce', () => {
    const sig = rawUrl(alice.sign(enc.encode(a.nonce()!)));
    assert.equal(a.check(connect({ nkey: alice.getPublicKey(), sig }), nonce), undefined);
  });

  it("refuses a signature made with another user's key", () => {
    const sig = rawUrl(carol.sign(enc.encode(nonce)));
    assert.equal(a.check(connect({ nkey: alice.getPublicKey(), sig }), nonce), undefined);
  });

  it('refuses an nkey that is not in the list, even with a good signature', () => {
    const sig = rawUrl(stranger.sign(enc.encode(nonce)));
    assert.equal(a.check(connect({ nkey: stranger.getPublicKey(), sig }), nonce), undefined);
  });

  const broken: [string, () => Partial<ConnectOptions>, string | undefined][] = [
    ['no signature', () => ({ nkey: alice.getPublicKey() }), nonce],
    ['an empty signature', () => ({ nkey: alice.getPublicKey(), sig: '' }), nonce],
    ['a truncated signature', () => ({ nkey: alice.getPublicKey(), sig: rawUrl(alice.sign(enc.encode(nonce))).slice(0, 40) }), nonce],
    ['a signature that is not base64', () => ({ nkey: alice.getPublicKey(), sig: '!!!not base64 at all!!!' }), nonce],
    ['no nonce on the connection', () => ({ nkey: alice.getPublicKey(), sig: rawUrl(alice.sign(enc.encode(nonce))) }), undefined],
    ['a malformed nkey', () => ({ nkey: 'UNOTAKEY', sig: rawUrl(alice.sign(enc.encode(nonce))) }), nonce],
  ];
  for (const [what, fields, n] of broken) {
    it(`refuses ${what}`, () => assert.equal(a.check(connect(fields()), n), undefined));
  }

  it('accepts a password user with their permissions', () => {
    assert.deepEqual(a.check(connect({ user: 'bob', pass: 'pw' }), nonce), { name: 'bob', permissions: bobPerms });
    assert.deepEqual(a.check(connect({ user: 'dave', pass: 'pw2' }), nonce), { name: 'dave', permissions: undefined });
  });

  it("refuses a password user with a wrong or another user's password", () => {
    assert.equal(a.check(connect({ user: 'bob', pass: 'pw2' }), nonce), undefined);
    assert.equal(a.check(connect({ user: 'bob' }), nonce), undefined);
    assert.equal(a.check(connect({ user: 'eve', pass: 'pw' }), nonce), undefined);
    assert.equal(a.check(connect({}), nonce), undefined);
  });

  it('refuses an nkey user logging in by name and password', () => {
    assert.equal(a.check(connect({ user: alice.getPublicKey(), pass: '' }), nonce), undefined);
    assert.equal(a.check(connect({ user: alice.getPublicKey() }), nonce), undefined);
  });
});
