/**
 * What the benchmark reads about a broker process from Linux's /proc: resident memory and
 * CPU time. Reading /proc costs the broker nothing, so it works the same for nats-server
 * (Go) and for our broker (Node or Bun) without either cooperating.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Resident set size of process `pid` in KiB (`VmRSS` in /proc/<pid>/status). */
export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]);
}

// Clock ticks per second for /proc/<pid>/stat; 100 on every Linux we run on, but asked once
// rather than assumed.
const ticksPerSecond = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU seconds (user + system, all threads) process `pid` has used since it started. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may itself contain spaces or ')',
  // so the numeric fields are counted from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat(5) (utime, stime) are at 11 and 12 once pid and comm are gone.
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** Monotonic time in microseconds, comparable across worker threads of this process. */
export function nowUs(): number {
  return Number(process.hrtime.bigint()) / 1e3;
}
