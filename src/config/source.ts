/** Where a configuration value came from, so that errors and `hearth config` can say. */

/** The origin of one value: the defaults, a file (with the place when known), a variable or a flag. */
export type ConfigSource =
  | { kind: 'default' }
  | { kind: 'file'; file: string; line?: number; column?: number }
  | { kind: 'env'; name: string }
  | { kind: 'flag'; name: string };

/** "defaults", "file /etc/hearth.conf:3:5", "env HEARTH_HTTP", "flag --data". */
export function describeSource(s: ConfigSource): string {
  switch (s.kind) {
    case 'default':
      return 'defaults';
    case 'file':
      return `file ${s.file}${s.line ? `:${s.line}${s.column ? `:${s.column}` : ''}` : ''}`;
    case 'env':
      return `env ${s.name}`;
    case 'flag':
      return `flag ${s.name}`;
  }
}
