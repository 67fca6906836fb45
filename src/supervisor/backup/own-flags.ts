/**
 * The flags of `hearth backup` and `hearth restore` that are not configuration (`--out`,
 * `--force` …): taken out of argv before the rest goes to the configuration loader, which
 * refuses flags it does not know.
 */

/** A flag that takes a value (`'value'`) or stands alone (`'switch'`). */
export type FlagKinds = Readonly<Record<string, 'value' | 'switch'>>;

/** What `takeFlags` found: values by flag name (`true` for a switch), the rest of argv, or a problem. */
export interface TakenFlags {
  values: Record<string, string | true>;
  rest: string[];
  problem?: string;
}

/**
 * Removes the flags in `kinds` from `argv` (as `--flag value` or `--flag=value`).
 *
 * @example
 * takeFlags(['--out', 'x.tar.gz', '--data', 'd'], { '--out': 'value' }); // values { '--out': 'x.tar.gz' }, rest ['--data', 'd']
 */
export function takeFlags(argv: readonly string[], kinds: FlagKinds): TakenFlags {
  const out: TakenFlags = { values: {}, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.rest.push(...argv.slice(i));
      break;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const kind = kinds[name];
    if (!kind) {
      out.rest.push(arg);
      continue;
    }
    if (kind === 'switch') {
      if (eq >= 0) out.problem ??= `${name} takes no value`;
      out.values[name] = true;
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) {
      out.problem ??= `${name} needs a value`;
      continue;
    }
    out.values[name] = value;
  }
  return out;
}
