/**
 * Subject rules, table-driven. The cases are those of nats-server's sublist_test.go
 * (TestSublistValidSubjects, TestSublistValidLiteralSubjects, TestSubjectIsLiteral,
 * TestSublistSubjectCollide, TestIsSubsetMatch) plus whitespace and empty-token cases.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hasWildcard, isValidLiteralSubject, isValidSubject, subjectsIntersect } from './subject.ts';

function table(fn: (s: string) => boolean, cases: [string, boolean][]): void {
  for (const [subject, expected] of cases) {
    it(`${expected ? 'accepts' : 'refuses'} ${JSON.stringify(subject)}`, () => assert.equal(fn(subject), expected));
  }
}

describe('isValidSubject', () => {
  table(isValidSubject, [
    ['.', false],
    ['.foo', false],
    ['foo.', false],
    ['foo..bar', false],
    ['>.bar', false],
    ['foo.>.bar', false],
    ['foo', true],
    ['foo.bar.*', true],
    ['foo.bar.>', true],
    ['*', true],
    ['>', true],
    ['foo*', true],
    ['foo**', true],
    ['foo.**', true],
    ['foo*bar', true],
    ['foo.*bar', true],
    ['foo*.bar', true],
    ['*bar', true],
    ['foo>', true],
    ['foo.>>', true],
    ['foo>bar', true],
    ['foo.>bar', true],
    ['foo>.bar', true],
    ['>bar', true],
    // Beyond sublist_test.go: the empty subject and whitespace (IsValidSubject's checks).
    ['', false],
    ['*.*.>', true],
    ['>.>', false],
    ['foo bar', false],
    ['foo.b\tr', false],
    ['foo. ', false],
    ['foo.\r', false],
    ['foo.\n.bar', false],
    ['foo.\f', false],
    ['\u00e9t\u00e9.\u4e2d', true],
  ]);
});

describe('isValidLiteralSubject', () => {
  table(isValidLiteralSubject, [
    ['foo', true],
    ['.foo', false],
    ['foo.', false],
    ['foo..bar', false],
    ['foo.bar.*', false],
    ['foo.bar.>', false],
    ['*', false],
    ['>', false],
    ['foo*', true],
    ['foo**', true],
    ['foo.**', true],
    ['foo*bar', true],
    ['foo.*bar', true],
    ['foo*.bar', true],
    ['*bar', true],
    ['foo>', true],
    ['foo>>', true],
    ['foo.>>', true],
    ['foo>bar', true],
    ['foo.>bar', true],
    ['foo>.bar', true],
    ['>bar', true],
    ['', false],
    ['foo.*.bar', false],
    ['foo.bar', true],
  ]);
});

describe('hasWildcard', () => {
  // TestSubjectIsLiteral: a subject is literal exactly when it has no wildcard token.
  table(hasWildcard, [
    ['foo', false],
    ['foo.bar', false],
    ['foo*.bar', false],
    ['*', true],
    ['>', true],
    ['foo.*', true],
    ['foo.>', true],
    ['foo.*.>', true],
    ['foo.*.bar', true],
    ['foo.bar.>', true],
    ['*bar.>x', false],
  ]);
});

describe('subjectsIntersect', () => {
  const cases: [string, string, boolean][] = [
    // TestSublistSubjectCollide
    ['foo.*', 'foo.*.bar.>', false],
    ['foo.*', 'foo.foo', true],
    ['foo.*', '*.foo', true],
    ['foo.bar.>', '*.bar.foo', true],
    // TestIsSubsetMatch: a subset is an intersection.
    ['foo.*', '>', true],
    ['foo.*', '*.*', true],
    ['foo.*', 'foo.*', true],
    ['foo.>', '>', true],
    ['foo.>', '*.>', true],
    ['foo.>', 'foo.>', true],
    // ...and subjects that merely overlap intersect too.
    ['foo.*', 'foo.bar', true],
    ['foo.>', 'foo.bar', true],
    ['foo.*.baz', 'foo.bar.*', true],
    ['*.secret', 'foo.*', true],
    // Literals, and lengths that cannot agree.
    ['foo', 'foo', true],
    ['foo', 'bar', false],
    ['foo.bar', 'foo', false],
    ['foo.>', 'foo', false],
    ['*.>', 'foo', false],
    ['*', 'foo.bar', false],
    ['>', 'foo.bar.baz', true],
    ['foo.*.bar', 'foo.x.baz', false],
    ['foo*', 'foo.x', false],
  ];
  for (const [a, b, expected] of cases) {
    it(`${expected ? 'finds' : 'finds no'} subject in both ${a} and ${b}`, () => {
      assert.equal(subjectsIntersect(a, b), expected);
      assert.equal(subjectsIntersect(b, a), expected, 'the relation is symmetric');
    });
  }
});
