/**
 * Structured logs: one JSON object per line (`time`, `level`, `service`, `msg`, then
 * `correlation_id` and any fields), or a readable line when the output is a terminal.
 * Fields whose name says secret (password, token, secret, authorization, nkey, seed,
 * creds) are written as "[redacted]" whatever their value, at any depth.
 */

/** Log levels, lowest first. */
export const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type Level = (typeof LEVELS)[number];

/** Extra fields of a log line. */
export type Fields = Record<string, unknown>;

/** Where and how a logger writes. */
export interface LoggerOptions {
  service: string;
  level?: Level;
  /** `auto` picks pretty on a TTY and JSON otherwise. */
  format?: 'auto' | 'json' | 'pretty';
  write?: (line: string) => void;
  isTTY?: boolean;
  /** Fields on every line (e.g. a correlation id for a child logger). */
  base?: Fields;
}

/** A logger; `child` adds fields (e.g. `correlation_id`) to every line it writes. */
export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(fields: Fields): Logger;
  readonly level: Level;
}

const SECRET = /pass(word)?|token|secret|authorization|nkey|seed|creds|api_?key/i;
const COLORS: Record<Level, string> = { debug: '\x1b[90m', info: '\x1b[36m', warn: '\x1b[33m', error: '\x1b[31m' };

/** How deep fields are copied; anything deeper is cut (it could hide a secret, or be a cycle). */
const MAX_DEPTH = 6;

/** A copy of `value` with every secret-named field replaced by "[redacted]". */
export function redactFields(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return '[too deep]';
  if (value instanceof Error) return errorFields(value, depth);
  if (Array.isArray(value)) return value.map((v) => redactFields(v, depth + 1));
  const out: Fields = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET.test(k) && v !== '' && v !== undefined ? '[redacted]' : redactFields(v, depth + 1);
  }
  return out;
}

function errorFields(err: Error, depth: number): Fields {
  const e = err as Error & { code?: unknown; cause?: unknown };
  const out: Fields = { name: e.name, message: e.message };
  if (e.code !== undefined) out.code = e.code;
  if (e.cause instanceof Error) out.cause = depth < MAX_DEPTH ? errorFields(e.cause, depth + 1) : '[too deep]';
  return out;
}

/**
 * Creates a logger for one service.
 *
 * @example
 * const log = createLogger({ service: 'chat' });
 * log.info('ready', { port: 4222 });
 * log.child({ correlation_id: id }).warn('slow request', { ms: 912 });
 */
export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? 'info';
  const min = LEVELS.indexOf(level);
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const tty = options.isTTY ?? Boolean(process.stdout.isTTY);
  const pretty = options.format === 'pretty' || (options.format !== 'json' && tty);
  const base = options.base ?? {};

  const emit = (lvl: Level, msg: string, fields?: Fields) => {
    if (LEVELS.indexOf(lvl) < min) return;
    const extra = redactFields({ ...base, ...fields }) as Fields;
    const time = new Date().toISOString();
    if (pretty) {
      const rest = Object.entries(extra)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      const color = tty ? COLORS[lvl] : '';
      const reset = tty ? '\x1b[0m' : '';
      write(`${time.slice(11, 23)} ${color}${lvl.padEnd(5)}${reset} [${options.service}] ${msg}${rest ? ' ' + rest : ''}\n`);
    } else {
      write(JSON.stringify({ time, level: lvl, service: options.service, msg, ...extra }) + '\n');
    }
  };
  return {
    level,
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ ...options, level, base: { ...base, ...fields } }),
  };
}
