/**
 * Configuration errors. Every problem names the key, the bad value (redacted when it is a
 * secret), where it came from and what is allowed; `ConfigError` carries them all, so one
 * run shows everything to fix.
 */
import { isSecretKey, REDACTED, redactUrlSecrets } from './redact.ts';

/** One thing wrong with the configuration. */
export interface ConfigProblem {
  /** The dotted key (`broker.port`), or the flag or variable when there is no key. */
  key: string;
  /** The bad value as shown to people (secrets redacted); absent when there is none. */
  value?: string;
  /** Where it came from: "defaults", "file /etc/hearth.conf:3:5", "env HEARTH_HTTP", "flag --data". */
  source: string;
  /** What is wrong: "out of range", "unknown key `brokr` (did you mean `broker`?)" … */
  problem: string;
  /** What would be accepted. */
  allowed: string;
}

/**
 * Thrown by `loadConfig` when the configuration cannot be used; the message lists every
 * problem, one per line. It is not an AppError: it never crosses the broker, it stops a
 * process before it starts, and config must load without pulling in the service kit.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'config.invalid';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const n = problems.length;
    super(`invalid configuration (${n} problem${n === 1 ? '' : 's'}):\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    this.problems = problems;
  }
}

/** One problem as one line: `key = value from source: problem; allowed: …`. */
export function formatProblem(p: ConfigProblem): string {
  const value = p.value === undefined ? '' : ` = ${p.value}`;
  return `${p.key}${value} from ${p.source}: ${p.problem}; allowed: ${p.allowed}`;
}

const MAX_SHOWN = 60;

/** How a value is shown in a problem; a secret key's value (or any `secret`) is redacted. */
export function showValue(key: string, value: unknown, secret = isSecretKey(key)): string {
  if (value === undefined) return '(missing)';
  if (secret && value !== '' && value !== null) return REDACTED;
  if (typeof value === 'string') {
    const s = redactUrlSecrets(value);
    return JSON.stringify(s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s);
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `[…${value.length} item${value.length === 1 ? '' : 's'}]`;
  if (value && typeof value === 'object') return '{…}';
  return String(value);
}
