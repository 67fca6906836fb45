/**
 * The subscription index: literal and wildcard matching, queue groups, removal with
 * pruning, the match cache, and a seeded randomized cross-check against a plain
 * token-by-token matcher.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Sublist, type MatchResult } from './sublist.ts';
import { rng } from '../testing/rng.ts';

interface Sub {
  subject: string;
  queue?: string;
  id: string;
}

let nextId = 0;
const sub = (subject: string, queue?: string): Sub => ({ subject, queue, id: `s${++nextId}` });

const ids = (subs: Sub[]): string[] => subs.map((s) => s.id).sort();

/** A match result as sorted ids: plain ones, and each queue group by its name. */
function view(r: MatchResult<Sub>): { psubs: string[]; qsubs: Record<string, string[]> } {
  const qsubs: Record<string, string[]> = {};
  for (const members of r.qsubs) {
    const name = members[0]!.queue!;
    assert.ok(members.every((m) => m.queue === name), `group ${name} mixes queues`);
    assert.equal(qsubs[name], undefined, `queue ${name} appears as two groups`);
    qsubs[name] = ids(members);
  }
  return { psubs: ids(r.psubs), qsubs };
}

function withSubs(...subs: Sub[]): Sublist<Sub> {
  const sl = new Sublist<Sub>();
  for (const s of subs) sl.insert(s);
  return sl;
}

describe('Sublist matching', () => {
  it('matches a literal subscription only on its exact subject', () => {
    const a = sub('foo.bar');
    const sl = withSubs(a);
    assert.deepEqual(ids(sl.match('foo.bar').psubs), [a.id]);
    for (const s of ['foo', 'foo.bar.baz', 'foo.baz', 'bar.foo', 'foo.barx']) assert.deepEqual(sl.match(s).psubs, [], s);
  });

  it('does not match a one-token subscription on two tokens (nats-server bug report #18)', () => {
    const sl = withSubs(sub('foo'));
    assert.equal(sl.match('foo').psubs.length, 1);
    assert.equal(sl.match('foo.bar').psubs.length, 0);
  });

  it('matches * on exactly one token at its position', () => {
    const a = sub('foo.*');
    const b = sub('*.bar');
    const c = sub('*');
    const sl = withSubs(a, b, c);
    assert.deepEqual(ids(sl.match('foo.bar').psubs), ids([a, b]));
    assert.deepEqual(ids(sl.match('foo.baz').psubs), [a.id]);
    assert.deepEqual(ids(sl.match('foo').psubs), [c.id]);
    assert.deepEqual(sl.match('foo.bar.baz').psubs, []);
  });

  it('matches > on one or more trailing tokens, never on none', () => {
    const a = sub('foo.>');
    const b = sub('>');
    const sl = withSubs(a, b);
    assert.deepEqual(ids(sl.match('foo.bar').psubs), ids([a, b]));
    assert.deepEqual(ids(sl.match('foo.bar.baz.qux').psubs), ids([a, b]));
    assert.deepEqual(ids(sl.match('foo').psubs), [b.id]);
    assert.deepEqual(ids(sl.match('bar.baz').psubs), [b.id]);
  });

  it('combines wildcards: foo.*.baz.> and *.*', () => {
    const a = sub('foo.*.baz.>');
    const b = sub('*.*');
    const sl = withSubs(a, b);
    assert.deepEqual(ids(sl.match('foo.x.baz.y').psubs), [a.id]);
    assert.deepEqual(sl.match('foo.x.baz').psubs, []);
    assert.deepEqual(ids(sl.match('foo.x').psubs), [b.id]);
  });

  it('takes wildcard characters inside a token literally', () => {
    const a = sub('foo.*-');
    const b = sub('foo.>-');
    const sl = withSubs(a, b);
    assert.deepEqual(sl.match('foo.bar').psubs, []);
    assert.deepEqual(ids(sl.match('foo.*-').psubs), [a.id]);
    assert.deepEqual(ids(sl.match('foo.>-').psubs), [b.id]);
  });

  it('returns every subscription on the same subject, each once', () => {
    const subs = [sub('a.b'), sub('a.b'), sub('a.*'), sub('a.>')];
    const sl = withSubs(...subs);
    assert.deepEqual(ids(sl.match('a.b').psubs), ids(subs));
  });

  it('matches nothing for a subject with an empty token, as nats-server Match does', () => {
    const sl = withSubs(sub('>'), sub('>', 'queue'), sub('foo.*'), sub('*.foo'));
    for (const s of ['.foo', '..foo', 'foo..', 'foo.', 'foo..bar', 'foo...bar', '']) {
      assert.deepEqual(view(sl.match(s)), { psubs: [], qsubs: {} }, JSON.stringify(s));
    }
  });
});

describe('Sublist queue groups', () => {
  it('groups queue subscribers by queue name across matching subjects', () => {
    const p = sub('foo.bar');
    const q1a = sub('foo.bar', 'q1');
    const q1b = sub('foo.*', 'q1');
    const q1c = sub('>', 'q1');
    const q2 = sub('foo.bar', 'q2');
    const other = sub('foo.baz', 'q1');
    const sl = withSubs(p, q1a, q1b, q1c, q2, other);
    assert.deepEqual(view(sl.match('foo.bar')), { psubs: [p.id], qsubs: { q1: ids([q1a, q1b, q1c]), q2: [q2.id] } });
  });

  it('keeps queue subscribers out of the plain list', () => {
    const sl = withSubs(sub('foo', 'q'));
    const r = sl.match('foo');
    assert.deepEqual(r.psubs, []);
    assert.equal(r.qsubs.length, 1);
  });

  it('removes a queue member and drops the group once it is empty', () => {
    const a = sub('foo', 'q');
    const b = sub('foo', 'q');
    const sl = withSubs(a, b);
    assert.equal(sl.remove(a), true);
    assert.deepEqual(view(sl.match('foo')), { psubs: [], qsubs: { q: [b.id] } });
    assert.equal(sl.remove(b), true);
    assert.deepEqual(view(sl.match('foo')), { psubs: [], qsubs: {} });
  });
});

describe('Sublist removal', () => {
  it('counts insertions and removals', () => {
    const subs = [sub('foo'), sub('bar'), sub('foo.*'), sub('foo.>'), sub('foo', 'q')];
    const sl = withSubs(...subs);
    assert.equal(sl.count, 5);
    for (const [i, s] of subs.entries()) {
      assert.equal(sl.remove(s), true);
      assert.equal(sl.count, 4 - i);
    }
  });

  it('refuses to remove what it does not hold, leaving the count alone', () => {
    const a = sub('foo.bar');
    const q = sub('foo.bar', 'q');
    const sl = withSubs(a, q);
    assert.equal(sl.remove(sub('foo.bar')), false, 'an equal subject on another object');
    assert.equal(sl.remove(sub('foo.baz')), false, 'a subject never inserted');
    assert.equal(sl.remove(sub('foo')), false, 'a prefix of an inserted subject');
    assert.equal(sl.remove({ ...q, queue: 'other' }), false, 'the right subject in the wrong queue');
    assert.equal(sl.remove({ subject: 'foo.bar', queue: 'q', id: 'x' }), false, 'another member of the queue');
    assert.equal(sl.count, 2);
    assert.equal(sl.remove(a), true);
    assert.equal(sl.remove(a), false, 'removing twice');
    assert.equal(sl.count, 1);
  });

  it('removes wildcard subscriptions', () => {
    const a = sub('a.*.c');
    const b = sub('a.>');
    const sl = withSubs(a, b);
    assert.equal(sl.remove(a), true);
    assert.deepEqual(ids(sl.match('a.b.c').psubs), [b.id]);
    assert.equal(sl.remove(b), true);
    assert.deepEqual(sl.match('a.b.c').psubs, []);
  });

  it('lists exactly the remaining subscriptions in all()', () => {
    const subs = [sub('a'), sub('a.b'), sub('a.*'), sub('a.>'), sub('>'), sub('a', 'q'), sub('a', 'q'), sub('*', 'r')];
    const sl = withSubs(...subs);
    assert.deepEqual(ids(sl.all()), ids(subs));
    sl.remove(subs[1]!);
    sl.remove(subs[5]!);
    sl.remove(subs[4]!);
    assert.deepEqual(ids(sl.all()), ids([subs[0]!, subs[2]!, subs[3]!, subs[6]!, subs[7]!]));
  });

  it('prunes emptied branches so the trie shrinks back to an empty root', () => {
    // Pruning is invisible through the public API, but a trie that never shrinks leaks
    // memory on every subscription churn, so this peeks at the root.
    const sl = new Sublist<Sub>();
    const subs = ['a.b.c', 'a.b', 'a.*.c', 'a.>', '*.*', '>', 'x.y.z'].flatMap((s) => [sub(s), sub(s, 'q')]);
    for (const s of subs) sl.insert(s);
    for (const s of subs.reverse()) assert.equal(sl.remove(s), true);
    assert.equal(sl.count, 0);
    assert.deepEqual(sl.all(), []);
    const root = (sl as unknown as { root: { literal: Map<string, unknown>; pwc?: unknown; fwc?: unknown } }).root;
    assert.equal(root.literal.size, 0);
    assert.equal(root.pwc, undefined);
    assert.equal(root.fwc, undefined);
  });

  it('keeps a shared branch alive while a longer subject still uses it', () => {
    const short = sub('a.b');
    const long = sub('a.b.c');
    const sl = withSubs(short, long);
    sl.remove(short);
    assert.deepEqual(ids(sl.match('a.b.c').psubs), [long.id]);
    sl.insert(short);
    sl.remove(long);
    assert.deepEqual(ids(sl.match('a.b').psubs), [short.id]);
  });
});

describe('Sublist match cache', () => {
  it('serves a repeated match from the cache', () => {
    const sl = withSubs(sub('foo'));
    const first = sl.match('foo');
    assert.equal(sl.cacheSize, 1);
    assert.equal(sl.match('foo'), first);
    sl.match('bar');
    assert.equal(sl.cacheSize, 2);
  });

  it('sees a subscription inserted after the subject was cached', () => {
    const sl = new Sublist<Sub>();
    assert.deepEqual(sl.match('foo.bar').psubs, []);
    const a = sub('foo.*');
    sl.insert(a);
    assert.deepEqual(ids(sl.match('foo.bar').psubs), [a.id]);
    const q = sub('>', 'q');
    sl.insert(q);
    assert.deepEqual(view(sl.match('foo.bar')), { psubs: [a.id], qsubs: { q: [q.id] } });
  });

  it('forgets a removed subscription that was in a cached result', () => {
    const a = sub('foo.>');
    const b = sub('foo.bar');
    const sl = withSubs(a, b);
    assert.equal(sl.match('foo.bar').psubs.length, 2);
    sl.remove(a);
    assert.deepEqual(ids(sl.match('foo.bar').psubs), [b.id]);
    sl.remove(b);
    assert.deepEqual(sl.match('foo.bar').psubs, []);
  });

  it('keeps the cache when a removal finds nothing', () => {
    const sl = withSubs(sub('foo'));
    sl.match('foo');
    sl.remove(sub('foo'));
    assert.equal(sl.cacheSize, 1);
  });

  it('bounds the cache however many distinct subjects are matched', () => {
    const sl = withSubs(sub('>'));
    for (let i = 0; i < 5000; i++) sl.match(`s.${i}`);
    assert.ok(sl.cacheSize <= 4096, `cache holds ${sl.cacheSize}`);
    assert.ok(sl.cacheSize > 0);
    assert.equal(sl.match('s.4999').psubs.length, 1);
    assert.equal(sl.match('s.0').psubs.length, 1);
  });
});

/** The matching rule, spelt out token by token. */
function refMatches(p: readonly string[], s: readonly string[]): boolean {
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

function refMatch(subs: Iterable<Sub>, subject: string): ReturnType<typeof view> {
  const psubs: Sub[] = [];
  const groups = new Map<string, Sub[]>();
  const tokens = subject.split('.');
  for (const s of subs) {
    if (!refMatches(s.subject.split('.'), tokens)) continue;
    if (s.queue === undefined) psubs.push(s);
    else groups.set(s.queue, [...(groups.get(s.queue) ?? []), s]);
  }
  const qsubs: Record<string, string[]> = {};
  for (const [name, members] of groups) qsubs[name] = ids(members);
  return { psubs: ids(psubs), qsubs };
}

describe('Sublist against a reference matcher', () => {
  for (const seed of [1, 42, 20240601]) {
    it(`agrees on 300 random subscriptions and subjects, through removals (seed ${seed})`, () => {
      const rand = rng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
      const words = ['a', 'b', 'c', 'd'];
      const literal = (): string => Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(words)).join('.');
      const pattern = (): string => {
        const n = 1 + Math.floor(rand() * 4);
        const tokens = Array.from({ length: n }, () => (rand() < 0.25 ? '*' : pick(words)));
        if (rand() < 0.2) tokens[n - 1] = '>';
        return tokens.join('.');
      };

      const sl = new Sublist<Sub>();
      const live = new Set<Sub>();
      for (let i = 0; i < 300; i++) {
        const s = sub(pattern(), rand() < 0.3 ? pick(['q1', 'q2', 'q3']) : undefined);
        sl.insert(s);
        live.add(s);
      }
      const subjects = Array.from({ length: 300 }, literal);
      const check = (phase: string): void => {
        assert.equal(sl.count, live.size, `${phase}: count`);
        for (const subject of subjects) {
          assert.deepEqual(view(sl.match(subject)), refMatch(live, subject), `${phase}: ${subject}`);
        }
      };
      check('after inserts');
      check('from the cache');
      // Remove about half, matching between removals so stale cache entries would show.
      for (const s of [...live]) {
        if (rand() < 0.5) continue;
        assert.equal(sl.remove(s), true);
        live.delete(s);
        const probe = pick(subjects);
        assert.deepEqual(view(sl.match(probe)), refMatch(live, probe), `during removals: ${probe}`);
      }
      check('after removals');
      assert.deepEqual(ids(sl.all()), ids([...live]));
    });
  }
});
