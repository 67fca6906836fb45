/**
 * Subject rules, as nats-server applies them (server/sublist.go): tokens separated by
 * `.`, `*` matches one token, `>` matches the rest and must be last.
 */

const WHITESPACE = /[\t\n\f\r ]/;

/** A subject a client may subscribe to (wildcards allowed). */
export function isValidSubject(subject: string): boolean {
  if (subject === '') return false;
  let sawFwc = false;
  for (const t of subject.split('.')) {
    if (t.length === 0 || sawFwc) return false;
    if (t.length > 1) {
      if (WHITESPACE.test(t)) return false;
      continue;
    }
    if (t === '>') sawFwc = true;
    else if (WHITESPACE.test(t)) return false;
  }
  return true;
}

/** A subject that names no wildcard: what a publish must use in pedantic mode. */
export function isValidLiteralSubject(subject: string): boolean {
  for (const t of subject.split('.')) {
    if (t.length === 0 || t === '*' || t === '>') return false;
  }
  return true;
}

/** True when the subject has a `*` or `>` token. */
export function hasWildcard(subject: string): boolean {
  for (const t of subject.split('.')) if (t === '*' || t === '>') return true;
  return false;
}

/**
 * True when some literal subject matches both `a` and `b`: used to tell whether a deny
 * entry falls inside a wildcard subscription.
 */
export function subjectsIntersect(a: string, b: string): boolean {
  const ta = a.split('.');
  const tb = b.split('.');
  for (let i = 0; i < ta.length && i < tb.length; i++) {
    const x = ta[i];
    const y = tb[i];
    if (x === '>' || y === '>') return true;
    if (x !== y && x !== '*' && y !== '*') return false;
  }
  return ta.length === tb.length;
}

/**
 * True when every subject `subject` can stand for is also matched by `pattern`
 * (nats-server's subjectIsSubsetMatch): a `*` in `subject` needs a wildcard in `pattern`.
 */
export function isSubsetMatch(subject: string, pattern: string): boolean {
  const ts = subject.split('.');
  const tp = pattern.split('.');
  for (let i = 0; i < tp.length; i++) {
    const p = tp[i];
    if (p === '>') return i < ts.length;
    const t = ts[i];
    if (t === undefined) return false;
    if (p === '*') {
      if (t === '>') return false;
      continue;
    }
    if (t !== p) return false;
  }
  return ts.length === tp.length;
}
