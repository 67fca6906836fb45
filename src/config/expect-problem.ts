/**
 * A test helper (no production code uses it): runs a load that should fail and returns
 * the line of the ConfigError's message about one key, so tests can check it names the
 * value, the source and what is allowed.
 */
import assert from 'node:assert/strict';
import { ConfigError } from './problems.ts';

/** The message line about `key` from the ConfigError `load` throws; fails the test otherwise. */
export function problemLine(load: () => unknown, key: string): string {
  let error: unknown;
  try {
    load();
  } catch (err) {
    error = err;
  }
  assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
  const line = error.message.split('\n').find((l) => l.trimStart().startsWith(`${key} `));
  assert.ok(line, `no line about ${key} in:\n${error.message}`);
  return line.trim();
}

/** Asserts `line` contains every one of `parts`, saying which is missing. */
export function assertMentions(line: string, parts: readonly string[]): void {
  for (const part of parts) assert.ok(line.includes(part), `expected ${JSON.stringify(part)} in:\n${line}`);
}
