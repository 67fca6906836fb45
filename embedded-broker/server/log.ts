/**
 * The broker's log, in nats-server's format: `[pid] 2006/01/02 15:04:05.000000 [INF] text`
 * on stderr. Debug lines need -D, trace lines -V. It never receives secrets: callers log
 * user names and nkeys, never passwords or tokens.
 */

/** Where the broker writes what it has to say. */
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  debug(msg: string): void;
  trace(msg: string): void;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function stamp(d = new Date()): string {
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds() * 1000, 6)}`;
}

/** A logger writing nats-server-style lines to `write` (stderr by default). */
export function createLogger(
  opts: { debug: boolean; trace: boolean; quiet: boolean },
  write: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  const line = (level: string) => (msg: string) => {
    if (!opts.quiet) write(`[${process.pid}] ${stamp()} [${level}] ${msg}\n`);
  };
  const off = () => {};
  return {
    info: line('INF'),
    warn: line('WRN'),
    error: line('ERR'),
    debug: opts.debug ? line('DBG') : off,
    trace: opts.trace ? line('TRC') : off,
  };
}
