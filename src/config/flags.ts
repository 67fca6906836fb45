/**
 * The flags layer: `--config FILE`, `--data DIR`, `--http HOST:PORT`, `--broker URL` and
 * `--log-level LEVEL`, as `--flag value` or `--flag=value`, and the switch `--one-process`
 * (alone it means true; `--one-process=false` also works). Anything that is not a flag
 * (a service name, say) is handed back in `rest`; `--` ends the flags.
 */
import { define } from './merge.ts';
import type { ConfigMap, Layer } from './merge.ts';
import type { ConfigProblem } from './problems.ts';
import { showValue } from './problems.ts';
import { closest } from './suggest.ts';

/** The flags `loadConfig` understands, and the key each sets (`--config` names the file). */
export const FLAGS = [
  { flag: '--config', meta: 'FILE', path: [] },
  { flag: '--data', meta: 'DIR', path: ['data'] },
  { flag: '--http', meta: 'HOST:PORT', path: ['http'] },
  { flag: '--broker', meta: 'URL', path: ['broker', 'url'] },
  { flag: '--log-level', meta: 'LEVEL', path: ['log', 'level'] },
  // A switch: it takes no value after a space, so `hearth serve --one-process users` stays unambiguous.
  { flag: '--one-process', meta: '', path: ['supervisor', 'one_process'] },
] as const;

/** How a flag is written in help and docs: `--data DIR`, or a switch's name alone. */
export function flagLabel(f: (typeof FLAGS)[number]): string {
  return f.meta ? `${f.flag} ${f.meta}` : f.flag;
}

const KNOWN = FLAGS.map(flagLabel).join(', ');
const SWITCH_VALUES: Record<string, boolean> = { true: true, false: false };

/** What the command line says: a layer of values, the file to read, and the rest. */
export interface ParsedFlags {
  layer: Layer;
  configFile?: string;
  rest: string[];
  problems: ConfigProblem[];
}

/** Reads the flags in `argv`. */
export function readFlags(argv: readonly string[]): ParsedFlags {
  const values: ConfigMap = {};
  const out: ParsedFlags = { layer: { values, origin: (p) => ({ kind: 'flag', name: flagFor(p) }) }, rest: [], problems: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.rest.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      out.rest.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const spec = FLAGS.find((f) => f.flag === name);
    if (!spec) {
      const guess = closest(name, FLAGS.map((f) => f.flag));
      out.problems.push({
        key: name,
        ...(eq < 0 ? {} : { value: showValue(name, arg.slice(eq + 1)) }),
        source: 'the command line',
        problem: `unknown flag${guess ? ` (did you mean ${guess}?)` : ''}`,
        allowed: KNOWN,
      });
      continue;
    }
    if (!spec.meta) {
      const raw = eq < 0 ? 'true' : arg.slice(eq + 1);
      if (raw in SWITCH_VALUES) setPath(values, spec.path, SWITCH_VALUES[raw]!);
      else out.problems.push({ key: spec.path.join('.'), value: showValue(name, raw), source: `flag ${spec.flag}`, problem: 'not true or false', allowed: `${spec.flag} alone, or ${spec.flag}=true or =false` });
      continue;
    }
    let value: string | undefined = eq < 0 ? argv[i + 1] : arg.slice(eq + 1);
    if (eq < 0) {
      if (value === undefined || value.startsWith('--')) value = undefined;
      else i++;
    }
    if (value === undefined || (spec.flag === '--config' && value === '')) {
      out.problems.push({
        key: spec.path.length ? spec.path.join('.') : spec.flag,
        source: `flag ${spec.flag}`,
        problem: 'missing value',
        allowed: `${spec.flag} ${spec.meta} or ${spec.flag}=${spec.meta}`,
      });
    } else if (spec.flag === '--config') {
      out.configFile = value;
    } else {
      setPath(values, spec.path, value);
    }
  }
  return out;
}

function flagFor(path: readonly string[]): string {
  const key = path.join('.');
  return FLAGS.find((f) => f.path.join('.') === key || f.path.join('.').startsWith(`${key}.`))?.flag ?? 'flags';
}

function setPath(values: ConfigMap, path: readonly string[], value: string | boolean): void {
  let map = values;
  for (const key of path.slice(0, -1)) {
    if (!Object.hasOwn(map, key)) define(map, key, {});
    map = map[key] as ConfigMap;
  }
  define(map, path.at(-1)!, value);
}
