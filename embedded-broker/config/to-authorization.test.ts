import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createUser } from '@nats-io/nkeys';
import { parseConf } from './parse-conf.ts';
import { field } from './conf-values.ts';
import type { ReadContext } from './conf-values.ts';
import { toAuthorization } from './to-authorization.ts';

/** Reads `authorization { ... }` written in configuration syntax. */
function auth(body: string) {
  const conf = parseConf(`authorization ${body}`, 'broker.conf', {});
  const ctx: ReadContext = { warnings: [], ignored: [] };
  const result = toAuthorization(field(conf, 'authorization'), conf.authorization, ctx);
  return { result, ...ctx };
}

const userKey = createUser().getPublicKey();

describe('toAuthorization', () => {
  it('reads a token', () => assert.deepEqual(auth('{ token: s3cret }').result, { token: 's3cret' }));

  it('reads a user and password under either spelling', () => {
    assert.deepEqual(auth('{ user: a, password: b }').result, { user: 'a', password: 'b' });
    assert.deepEqual(auth('{ username: a, pass: b }').result, { user: 'a', password: 'b' });
  });

  it('reads the timeout in seconds, fractions allowed, as ms', () => {
    assert.equal(auth('{ token: t, timeout: 1.5 }').result.timeout, 1500);
    assert.equal(auth('{ token: t, timeout: 3 }').result.timeout, 3000);
    assert.equal(auth('{ token: t, timeout: 0 }').result.timeout, undefined);
  });

  it('reads a non-number timeout as 1 second, as nats-server does, and warns', () => {
    const { result, warnings } = auth('{ token: t, timeout: "5s" }');
    assert.equal(result.timeout, 1000);
    assert.match(warnings[0], /using 1 second as nats-server does/);
  });

  it('reads users with passwords, nkeys and their own permissions', () => {
    const { result } = auth(`{ users: [
      { user: a, password: b, permissions: { publish: "x" } }
      { nkey: ${userKey} }
    ] }`);
    assert.deepEqual(result.users, [
      { user: 'a', password: 'b', permissions: { publish: { allow: ['x'] } } },
      { nkey: userKey },
    ]);
  });

  it('gives authorization-level permissions to users without their own', () => {
    const { result } = auth(`{
      permissions: { subscribe: "pub.>" }
      users: [ { user: a, permissions: { publish: "x" } }, { user: b } ]
    }`);
    assert.deepEqual(result.users?.map((u) => u.permissions), [
      { publish: { allow: ['x'] } },
      { subscribe: { allow: ['pub.>'] } },
    ]);
  });

  it('warns that authorization-level permissions do nothing for a single user', () => {
    const { result, warnings } = auth('{ user: a, password: b, permissions: { publish: "x" } }');
    assert.equal((result as Record<string, unknown>).permissions, undefined);
    assert.match(warnings[0], /^broker.conf:1:39: authorization.permissions: nats-server applies these only to entries of authorization.users/);
  });

  it('leaves out an empty users array', () => {
    assert.deepEqual(auth('{ users: [] }').result, {});
  });

  it('refuses allowed_connection_types rather than letting the user in by any transport', () => {
    assert.throws(() => auth('{ users: [ { user: a, allowed_connection_types: ["STANDARD"] } ] }'), /allowed_connection_types is not supported/);
  });

  it('refuses bcrypt password hashes rather than comparing them as text', () => {
    assert.throws(() => auth('{ user: a, password: "$2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.xtiHyG" }'), /bcrypt/);
  });

  it('skips keys that exist to be referenced as variables', () => {
    assert.deepEqual(auth('{ PW: x, user: a, password: $PW }').result, { user: 'a', password: 'x' });
  });

  const errors: [string, RegExp][] = [
    ['{ token: a, user: b }', /Cannot have a user\/pass and token/],
    ['{ token: a, password: b }', /Cannot have a user\/pass and token/],
    ['{ user: a, users: [] }', /Can not have a single user\/pass and a users array/],
    ['{ token: a, users: [ { user: b } ] }', /Can not have a token and a users array/],
    ['{ users: [ { user: a }, { user: a } ] }', /Duplicate user "a" detected/],
    ['{ users: { user: a } }', /expected users field to be an array, got a map/],
    ['{ users: [ "a" ] }', /authorization.users\[0\]: expected user entry to be a map/],
    ['{ users: [ { password: b } ] }', /User entry requires a user/],
    ['{ users: [ { nkey: UABC } ] }', /Not a valid public nkey for a user/],
    [`{ users: [ { nkey: ${userKey}, user: a } ] }`, /Nkey users do not take usernames or passwords/],
    ['{ user: 1 }', /authorization.user: expected a string, got the number 1/],
    ['{ tokens: a }', /^ConfError: broker.conf:1:17: authorization.tokens: unknown field "tokens"$/],
    ['{ users: [ { user: a, nick: b } ] }', /authorization.users\[0\].nick: unknown field "nick"/],
  ];
  for (const [body, re] of errors) {
    it(`refuses ${body.replace(userKey, 'U...')}`, () => assert.throws(() => auth(body), re));
  }

  it('refuses an account or server nkey as a user nkey', () => {
    assert.throws(() => auth('{ users: [ { nkey: ADKJPBKTDAWNBRMMNRUH4GL6G6WZXSSFRXP5XXGS4QLGFGJUXJDCHXTH } ] }'), /Not a valid public nkey/);
  });
});
