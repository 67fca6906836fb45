/**
 * PermissionSet against nats-server's rules (client.go canSubscribe, pubAllowedFullCheck,
 * setPermissions; auth.go validateResponsePermissions). The two places where we are
 * deliberately stricter than nats-server 2.9.10 say so beside their tests.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PermissionSet } from './permissions.ts';

describe('PermissionSet publish', () => {
  it('allows everything when there are no lists', () => {
    const p = new PermissionSet({});
    for (const s of ['foo', 'foo.bar', '_INBOX.x.y']) assert.equal(p.canPublish(s), true, s);
  });

  it('allows only what the allow list matches', () => {
    const p = new PermissionSet({ publish: { allow: ['foo.*', 'bar', 'baz.>'] } });
    const cases: [string, boolean][] = [
      ['foo.x', true], ['bar', true], ['baz.a.b', true],
      ['foo', false], ['foo.x.y', false], ['bar.x', false], ['baz', false], ['qux', false],
    ];
    for (const [s, ok] of cases) assert.equal(p.canPublish(s), ok, s);
  });

  it('lets a deny entry win over an allow entry', () => {
    const p = new PermissionSet({ publish: { allow: ['foo.>'], deny: ['foo.secret', 'foo.*.private'] } });
    assert.equal(p.canPublish('foo.public'), true);
    assert.equal(p.canPublish('foo.secret'), false);
    assert.equal(p.canPublish('foo.a.private'), false);
    assert.equal(p.canPublish('foo.secret.x'), true);
  });

  it('allows everything the deny list does not match when there is no allow list', () => {
    const p = new PermissionSet({ publish: { deny: ['a.>'] } });
    assert.equal(p.canPublish('a'), true);
    assert.equal(p.canPublish('b.c'), true);
    assert.equal(p.canPublish('a.b'), false);
  });

  it('denies everything for an empty allow list, as nats-server does', () => {
    const p = new PermissionSet({ publish: { allow: [] } });
    assert.equal(p.canPublish('foo'), false);
  });

  it('ignores an empty deny list', () => {
    const p = new PermissionSet({ publish: { deny: [] } });
    assert.equal(p.canPublish('foo'), true);
  });

  it('answers the same for a subject whether or not it is cached', () => {
    const p = new PermissionSet({ publish: { allow: ['ok.>'], deny: ['ok.no'] } });
    const expected = (s: string): boolean => s.startsWith('ok.') && s !== 'ok.no';
    const subjects = Array.from({ length: 2500 }, (_, i) => (i % 3 === 0 ? `ok.${i}` : i % 3 === 1 ? `no.${i}` : 'ok.no'));
    for (let round = 0; round < 2; round++) {
      for (const s of subjects) assert.equal(p.canPublish(s), expected(s), `round ${round}: ${s}`);
    }
  });
});

describe('PermissionSet allow_responses', () => {
  const response = { maxMsgs: 1, expires: 60_000 };

  it('turns the blanket publish allow off when there is no allow list', () => {
    const p = new PermissionSet({ allowResponses: response });
    assert.equal(p.canPublish('foo'), false);
    assert.deepEqual(p.response, response);
  });

  it('turns it off even when only a deny list is given', () => {
    const p = new PermissionSet({ publish: { deny: ['x'] }, allowResponses: response });
    assert.equal(p.canPublish('y'), false);
  });

  it('keeps an explicit allow list', () => {
    const p = new PermissionSet({ publish: { allow: ['svc.>'] }, allowResponses: response });
    assert.equal(p.canPublish('svc.a'), true);
    assert.equal(p.canPublish('other'), false);
  });

  it('leaves subscriptions alone', () => {
    const p = new PermissionSet({ allowResponses: response });
    assert.equal(p.canSubscribe('anything.>'), true);
  });

  it('has no response permission unless configured', () => {
    assert.equal(new PermissionSet({ publish: { allow: ['a'] } }).response, undefined);
  });
});

describe('PermissionSet subscribe', () => {
  it('allows everything when there are no lists or the lists are empty', () => {
    for (const p of [new PermissionSet({}), new PermissionSet({ subscribe: { allow: [], deny: [] } })]) {
      assert.equal(p.canSubscribe('foo'), true);
      assert.equal(p.canSubscribe('>', 'q'), true);
      assert.equal(p.hasSubDeny, false);
    }
  });

  it('checks literal subscriptions against allow and deny', () => {
    const p = new PermissionSet({ subscribe: { allow: ['foo.*', 'bar'], deny: ['foo.secret'] } });
    assert.equal(p.canSubscribe('foo.x'), true);
    assert.equal(p.canSubscribe('bar'), true);
    assert.equal(p.canSubscribe('baz'), false);
    assert.equal(p.canSubscribe('foo.secret'), false);
  });

  it('matches wildcard subscriptions against the allow list token by token', () => {
    const p = new PermissionSet({ subscribe: { allow: ['foo.>', 'bar.*'] } });
    const cases: [string, boolean][] = [
      ['foo.*', true], ['foo.>', true], ['foo.*.baz', true],
      ['bar.*', true], ['bar.x', true],
      // nats-server 2.9.10 allows this too (probed): the allow entry's * matches the
      // subscription's > token, and the subscription then receives bar.a.b.
      ['bar.>', true],
      ['>', false], ['*', false], ['*.x', false], ['foo', false],
    ];
    for (const [s, ok] of cases) assert.equal(p.canSubscribe(s), ok, s);
  });

  it('refuses a wildcard subscription that a deny entry covers, allows one it only overlaps', () => {
    const p = new PermissionSet({ subscribe: { deny: ['foo.*', 'bar.secret'] } });
    assert.equal(p.canSubscribe('foo.*'), false);
    assert.equal(p.canSubscribe('foo.x'), false);
    assert.equal(p.canSubscribe('foo.>'), false, 'the deny entry * matches the > token (as nats-server)');
    assert.equal(p.canSubscribe('bar.*'), true, 'filtered at delivery instead');
    assert.equal(p.canSubscribe('bar.>'), true);
    assert.equal(p.hasSubDeny, true);
  });

  it('lets a queue-scoped allow entry admit only that queue', () => {
    const p = new PermissionSet({ subscribe: { allow: ['foo', 'bar q1', '  baz \t q2  '] } });
    assert.equal(p.canSubscribe('foo'), true);
    assert.equal(p.canSubscribe('foo', 'any'), true);
    assert.equal(p.canSubscribe('bar', 'q1'), true);
    assert.equal(p.canSubscribe('bar', 'q2'), false);
    assert.equal(p.canSubscribe('bar'), false);
    assert.equal(p.canSubscribe('baz', 'q2'), true);
    assert.equal(p.canSubscribe('baz'), false);
  });

  it('lets a queue-scoped deny entry refuse only that queue', () => {
    const p = new PermissionSet({ subscribe: { deny: ['foo q1'] } });
    assert.equal(p.canSubscribe('foo', 'q1'), false);
    assert.equal(p.canSubscribe('foo', 'q2'), true);
    assert.equal(p.canSubscribe('foo'), true);
  });

  it('refuses a queue not in the allow list even when the bare subject is allowed', () => {
    const p = new PermissionSet({ subscribe: { allow: ['foo', 'foo q1'] } });
    assert.equal(p.canSubscribe('foo', 'q2'), false);
    assert.equal(p.canSubscribe('foo', 'q1'), true);
  });

  it('accepts wildcard queue names in a queue-scoped allow entry', () => {
    const p = new PermissionSet({ subscribe: { allow: ['foo v1.*'] } });
    assert.equal(p.canSubscribe('foo', 'v1.x'), true);
    assert.equal(p.canSubscribe('foo', 'v2.x'), false);
  });

  // Deliberately stricter than nats-server 2.9.10, whose queueMatches lets q2 through here
  // (docs/broker.md): a bare deny entry refuses the subject in every queue.
  it('refuses every queue when the subject is denied bare, even if a queue is also named', () => {
    const p = new PermissionSet({ subscribe: { deny: ['foo', 'foo q1'] } });
    assert.equal(p.canSubscribe('foo', 'q2'), false);
    assert.equal(p.canSubscribe('foo', 'q1'), false);
    assert.equal(p.canSubscribe('foo'), false);
  });

  it('refuses a publish to a subject with an empty token under allow [">"]', () => {
    assert.equal(new PermissionSet({ publish: { allow: ['>'] } }).canPublish('foo..bar'), false);
    assert.equal(new PermissionSet({ publish: { deny: ['foo.*'] } }).canPublish('foo.'), true);
  });
});

describe('PermissionSet deniesDelivery', () => {
  const p = new PermissionSet({ subscribe: { deny: ['foo.secret', 'bar.*.hidden', 'q.x grp'] } });

  const cases: [subscription: string, subject: string, denied: boolean][] = [
    ['foo.*', 'foo.secret', true],
    ['foo.*', 'foo.public', false],
    ['foo.>', 'foo.secret', true],
    ['>', 'foo.secret', true],
    ['>', 'bar.a.hidden', true],
    ['bar.>', 'bar.a.hidden', true],
    ['bar.>', 'bar.a.shown', false],
    ['*.*', 'foo.secret', true],
    ['baz.*', 'baz.x', false],
    // A queue-scoped deny entry is about joining the queue, not about messages.
    ['q.*', 'q.x', false],
  ];
  for (const [subscription, subject, denied] of cases) {
    it(`${denied ? 'withholds' : 'delivers'} ${subject} ${denied ? 'from' : 'to'} ${subscription}`, () => {
      assert.equal(p.deniesDelivery(subscription, subject), denied);
    });
  }

  it('never filters a literal subscription (SUB already checked it)', () => {
    assert.equal(p.deniesDelivery('foo.public', 'foo.public'), false);
  });

  it('filters nothing without a deny list', () => {
    const open = new PermissionSet({ subscribe: { allow: ['>'] } });
    assert.equal(open.deniesDelivery('>', 'foo.secret'), false);
    assert.equal(open.hasSubDeny, false);
  });

  // Deliberately stricter than nats-server 2.9.10, which filters only when a deny entry is
  // a subset of the wildcard subscription and so delivers foo.secret here (docs/broker.md).
  it('withholds a denied subject even when the deny entry is wider than the subscription', () => {
    const q = new PermissionSet({ subscribe: { deny: ['*.secret'] } });
    assert.equal(q.deniesDelivery('foo.*', 'foo.secret'), true);
  });
});
