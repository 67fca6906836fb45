/**
 * The environment layer: `HEARTH_` and the key path in capitals joined by `__`
 * (`HEARTH_LOG__LEVEL`, `HEARTH_SERVICES__USERS__DB__SYNC_URL`). Values are text, so each
 * is given the type its key takes; names that match no key are left for the schema check
 * to report, with the variable as their source.
 */
import type { ConfigProblem } from './problems.ts';
import { showValue } from './problems.ts';
import { define, isMap, pathKey } from './merge.ts';
import type { ConfigMap, Layer } from './merge.ts';
import { kindAt } from './schema-walk.ts';
import type { ConfigSource } from './source.ts';

/** Variables Hearth's own processes set for each other, or bin/hearth.js reads; they are not configuration. */
export const INTERNAL_ENV: readonly string[] = ['HEARTH_SERVICE', 'HEARTH_SUPERVISED', 'HEARTH_FROM_SOURCE'];

const PREFIX = 'HEARTH_';
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const BOOLEANS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false };

/** The variable that sets `path`, e.g. `['log', 'level']` → `HEARTH_LOG__LEVEL`. */
export function envName(path: readonly string[]): string {
  return PREFIX + path.map((k) => k.toUpperCase()).join('__');
}

/** Reads every `HEARTH_` variable (but `INTERNAL_ENV`) into a layer. */
export function readEnv(env: Record<string, string | undefined>): { layer: Layer; problems: ConfigProblem[] } {
  const values: ConfigMap = {};
  const names = new Map<string, string>();
  const problems: ConfigProblem[] = [];
  const vars = Object.keys(env).filter((n) => n.startsWith(PREFIX) && !INTERNAL_ENV.includes(n)).sort();
  for (const name of vars) {
    const raw = env[name];
    if (raw === undefined) continue;
    const path = name.slice(PREFIX.length).split('__').map((k) => k.toLowerCase());
    const conflict = path.some((k) => k === '') ? undefined : set(values, path, coerce(path, raw), names, name);
    if (path.some((k) => k === '') || conflict) {
      problems.push({
        key: name,
        value: showValue(path.at(-1) ?? '', raw),
        source: `env ${name}`,
        problem: conflict ? `conflicts with ${conflict}` : 'does not name a key',
        allowed: `${PREFIX} then a key path in capitals joined by "__", e.g. HEARTH_LOG__LEVEL; one variable per key`,
      });
    }
  }
  const origin = (path: readonly string[]): ConfigSource => ({ kind: 'env', name: names.get(pathKey(path)) ?? envName(path) });
  return { layer: { values, origin }, problems };
}

/** Text as the key's type; text that does not fit is kept for the schema check to report. */
function coerce(path: readonly string[], raw: string): unknown {
  const kind = kindAt(path);
  if (kind === 'number' && NUMBER.test(raw.trim())) return Number(raw);
  if (kind === 'boolean' && raw.toLowerCase() in BOOLEANS) return BOOLEANS[raw.toLowerCase()];
  return raw;
}

/** Sets `path`; returns the name of a variable already holding a conflicting part of it. */
function set(values: ConfigMap, path: string[], value: unknown, names: Map<string, string>, name: string): string | undefined {
  let map = values;
  for (let i = 0; i < path.length; i++) {
    const here = pathKey(path.slice(0, i + 1));
    const last = i === path.length - 1;
    const current = Object.hasOwn(map, path[i]!) ? map[path[i]!] : undefined;
    if (current !== undefined && (last || !isMap(current))) return names.get(here);
    if (!names.has(here)) names.set(here, name);
    if (last) define(map, path[i]!, value);
    else {
      if (current === undefined) define(map, path[i]!, {});
      map = map[path[i]!] as ConfigMap;
    }
  }
  return undefined;
}
