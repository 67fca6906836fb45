/**
 * The file layer: the file named by `--config`, in nats-server's relaxed syntax (`key:
 * value`, `key = value`, `{ }` sections, `#` comments, sizes like `1MB`, `$VAR` from the
 * environment), of which JSON is a subset. Where each key was written is kept, so errors
 * can point at file:line:column.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfError, keyPosition, parseConf } from '../../embedded-broker/index.ts';
import { isMap } from './merge.ts';
import type { ConfigMap, Layer } from './merge.ts';
import type { ConfigProblem } from './problems.ts';
import { REDACTED } from './redact.ts';

/** What a configuration file may be, in the words error messages use. */
export const FILE_ALLOWED = 'a readable file in nats-server configuration syntax (JSON is a subset)';

/**
 * Reads and parses `file` (relative to `cwd`); `env` resolves `$NAME` references. Returns
 * the layer, or problems when the file cannot be read or parsed.
 */
export function readConfigFile(
  file: string,
  cwd: string,
  env: Record<string, string | undefined>,
): { layer?: Layer; problems: ConfigProblem[] } {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return { problems: [{ key: '--config', value: JSON.stringify(file), source: 'flag --config', problem: `cannot read the file (${why})`, allowed: FILE_ALLOWED }] };
  }
  let values: ConfigMap;
  try {
    values = parseConf(text, file, env);
  } catch (err) {
    if (!(err instanceof ConfError)) throw err;
    const p = err.position;
    return {
      problems: [{
        key: '--config',
        ...(p ? { value: showLine(text, p.line) } : {}),
        source: p ? `file ${p.file}:${p.line}:${p.column}` : `file ${file}`,
        problem: `syntax error: ${err.detail}`,
        allowed: FILE_ALLOWED,
      }],
    };
  }
  const origin = (path: readonly string[]) => {
    let parent: unknown = values;
    for (const key of path.slice(0, -1)) parent = isMap(parent) ? parent[key] : undefined;
    const at = isMap(parent) ? keyPosition(parent, path.at(-1)!) : undefined;
    return { kind: 'file' as const, file, ...(at ? { line: at.line, column: at.column } : {}) };
  };
  return { layer: { values, origin }, problems: [] };
}

/** The line a syntax error is on, unless it may hold a secret. */
function showLine(text: string, line: number): string {
  const s = (text.split('\n')[line - 1] ?? '').trim();
  if (/password|token|secret/i.test(s)) return REDACTED;
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);
}
