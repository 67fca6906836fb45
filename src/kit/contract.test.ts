import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { check, command, event, query } from './contract.ts';
import { AppError } from './errors.ts';

const Body = v.object({ id: v.string() });

describe('declaring messages', () => {
  it('puts a command on svc.<service>.<name>, not idempotent unless declared so', () => {
    const put = command('notes', 'put', { version: 2, request: Body, reply: Body });
    assert.equal(put.subject, 'svc.notes.put');
    assert.equal(put.kind, 'command');
    assert.equal(put.version, 2);
    assert.equal(put.idempotent, false);
    assert.equal(command('notes', 'set', { version: 1, request: Body, reply: Body, idempotent: true }).idempotent, true);
  });

  it('makes every query idempotent', () => {
    const get = query('notes', 'get', { version: 1, request: Body, reply: Body });
    assert.equal(get.subject, 'svc.notes.get');
    assert.equal(get.kind, 'query');
    assert.equal(get.idempotent, true);
  });

  it('puts an event on evt.<service>.<type>', () => {
    const added = event('notes', 'note_added', { version: 1, data: Body });
    assert.equal(added.subject, 'evt.notes.note_added');
    assert.equal(added.type, 'note_added');
  });

  it('accepts lower-case names with digits, _ and -', () => {
    assert.doesNotThrow(() => command('push-2', 'add_many', { version: 1, request: Body, reply: Body }));
  });

  for (const bad of ['', 'Notes', 'a.b', 'a b', '1st', 'a>', '*', '_x']) {
    it(`refuses the name ${JSON.stringify(bad)} for a service and an operation`, () => {
      assert.throws(() => command(bad, 'put', { version: 1, request: Body, reply: Body }), /service/);
      assert.throws(() => query('notes', bad, { version: 1, request: Body, reply: Body }), /operation/);
    });
  }

  it('accepts dotted event types, which become more subject tokens', () => {
    assert.equal(event('users', 'group.member_joined', { version: 1, data: Body }).subject, 'evt.users.group.member_joined');
  });

  for (const bad of ['', 'Notes', 'a..b', 'a.', '.a', 'a b', '1st', 'a>', '*', 'a.*', '_x']) {
    it(`refuses the event type ${JSON.stringify(bad)}`, () => {
      assert.throws(() => event('notes', bad, { version: 1, data: Body }), /event type/);
    });
  }
});

describe('check', () => {
  const User = v.object({
    name: v.pipe(v.string(), v.minLength(1)),
    address: v.object({ zip: v.pipe(v.string(), v.length(5)) }),
    tags: v.array(v.string()),
    limit: v.optional(v.number(), 100),
  });

  it('returns the parsed value, defaults filled in', () => {
    assert.deepEqual(check(User, { name: 'a', address: { zip: '12345' }, tags: [] }, 'x.invalid'), {
      name: 'a',
      address: { zip: '12345' },
      tags: [],
      limit: 100,
    });
  });

  it('throws a validation AppError with the given code and every issue under its dotted path', () => {
    try {
      check(User, { name: '', address: { zip: '1' }, tags: ['ok', 5] }, 'kit.invalid_request', 'svc.users.put request');
      assert.fail('accepted');
    } catch (e) {
      assert.ok(e instanceof AppError);
      assert.equal(e.kind, 'validation');
      assert.equal(e.code, 'kit.invalid_request');
      const issues = (e.details as { issues: { path: string; message: string }[] }).issues;
      assert.deepEqual(issues.map((i) => i.path), ['name', 'address.zip', 'tags.1']);
      assert.ok(issues.every((i) => typeof i.message === 'string' && i.message.length > 0));
      assert.match(e.message, /^Invalid svc\.users\.put request: name: /);
    }
  });

  it('reports a problem with the whole value under the empty path', () => {
    try {
      check(User, 'not an object', 'x.invalid');
      assert.fail('accepted');
    } catch (e) {
      assert.ok(e instanceof AppError);
      assert.deepEqual((e.details as { issues: { path: string }[] }).issues.map((i) => i.path), ['']);
      assert.equal(e.message, `Invalid message: ${(e.details as { issues: { message: string }[] }).issues[0]!.message}`);
    }
  });
});
