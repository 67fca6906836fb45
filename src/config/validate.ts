/**
 * The schema check: runs valibot over the merged values and turns each issue into a
 * problem that names the key, the value, its source and what is allowed.
 */
import * as v from 'valibot';
import { isMap, sourceOf } from './merge.ts';
import type { ConfigMap, Merged } from './merge.ts';
import { showValue } from './problems.ts';
import type { ConfigProblem } from './problems.ts';
import { isSecretKey } from './redact.ts';
import { ConfigSchema } from './schema.ts';
import type { HearthConfig } from './schema.ts';
import { knownKeys, schemaAt } from './schema-walk.ts';
import { describeSource } from './source.ts';
import { closest } from './suggest.ts';

/** The typed configuration, or every problem found. */
export function validate(merged: Merged): { config?: HearthConfig; problems: ConfigProblem[] } {
  const result = v.safeParse(ConfigSchema, merged.values);
  if (result.success) return { config: result.output, problems: [] };
  const problems = shapeProblems(merged, merged.values, []);
  const covered = (key: string) => problems.some((p) => key === p.key || key.startsWith(`${p.key}.`));
  for (const issue of result.issues) {
    // valibot names only the first unknown key of a section; shapeProblems found them all.
    if (issue.type === 'strict_object' && issue.expected === 'never') continue;
    const path = (issue.path ?? []).map((item) => String(item.key));
    // A value failing several checks (-1.5: not whole, too small) is reported once.
    if (covered(path.join('.'))) continue;
    problems.push(toProblem(issue, path, merged));
  }
  return { problems };
}

/**
 * Every key at or below `path` that the schema does not know, and every list or date where
 * a section goes (valibot takes those for sections and reports their insides as keys).
 */
function shapeProblems(merged: Merged, value: unknown, path: string[]): ConfigProblem[] {
  const s = schemaAt(path);
  const known = s?.type === 'strict_object' ? knownKeys(path)! : undefined;
  if (s?.type !== 'record' && !known) return [];
  if (Array.isArray(value) || value instanceof Date) {
    return [problemAt(merged, path, `wrong type (${typeName(value)})`, String(s?.message))];
  }
  if (!isMap(value)) return [];
  return Object.entries(value).flatMap(([name, inner]) =>
    known && !known.includes(name) ? [unknownKey(merged, [...path, name], inner, known)] : shapeProblems(merged, inner, [...path, name]),
  );
}

function unknownKey(merged: Merged, path: string[], value: unknown, keys: string[]): ConfigProblem {
  const name = path.at(-1)!;
  const head = name.split('.')[0]!;
  const guess = closest(name, keys);
  // "broker.port: 1" in a file is one key named "broker.port"; sections nest instead.
  const hint = name.includes('.') && keys.includes(head)
    ? ` (did you mean \`${head} { ${name.slice(head.length + 1)}: … }\`?)`
    : guess ? ` (did you mean \`${guess}\`?)` : '';
  // The value of a misspelt secret ("passwrod", "tokn") is still a secret.
  const secret = isSecretKey(name) || isSecretKey(guess ?? '') || /pass|token|secret|auth|key/i.test(name);
  return {
    key: path.join('.'),
    value: showValue(name, value, secret),
    source: describeSource(sourceOf(merged.sources, path)),
    problem: `unknown key \`${name}\`${hint}`,
    allowed: `the keys ${keys.join(', ')}`,
  };
}

/** A problem at `path` of the merged values, for checks that span keys. */
export function problemAt(merged: Merged, path: string[], problem: string, allowed: string): ConfigProblem {
  return {
    key: path.join('.'),
    value: showValue(path.at(-1) ?? '', valueAt(merged.values, path)),
    source: describeSource(sourceOf(merged.sources, path)),
    problem,
    allowed,
  };
}

function toProblem(issue: v.BaseIssue<unknown>, path: string[], merged: Merged): ConfigProblem {
  const last = issue.path?.at(-1);
  const name = path.at(-1) ?? '';
  const source = describeSource(sourceOf(merged.sources, path));
  // A record's key: a service name that does not fit.
  if (last?.origin === 'key' && issue.type !== 'strict_object') {
    return { key: path.join('.'), value: JSON.stringify(name), source, problem: 'not a valid name', allowed: issue.message };
  }
  return { key: path.join('.'), value: showValue(name, issue.input), source, problem: describe(issue), allowed: issue.message };
}

function describe(issue: v.BaseIssue<unknown>): string {
  if (issue.input === undefined) return 'missing';
  if (issue.type === 'picklist') return 'not one of the choices';
  if (issue.kind === 'schema') return `wrong type (${typeName(issue.input)})`;
  if (issue.type === 'integer') return 'not a whole number';
  if (issue.type === 'min_value' || issue.type === 'max_value') return 'out of range';
  if (issue.type === 'min_length') return 'empty';
  return 'not valid';
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return 'a section';
  return `a ${typeof value}`;
}

function valueAt(values: ConfigMap, path: readonly string[]): unknown {
  let at: unknown = values;
  for (const key of path) at = at && typeof at === 'object' ? (at as ConfigMap)[key] : undefined;
  return at;
}
