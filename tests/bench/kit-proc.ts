/**
 * Processes as Linux's /proc shows them: resident memory (RSS), split into anonymous
 * pages (heaps, stacks) and file-backed ones (the mapped executable and libraries), and
 * the proportional set size (PSS), which divides each shared page among the processes
 * mapping it — so Hearth's processes, which map one executable, add up to what they take.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Memory of one process, in KiB. */
export interface Memory {
  rss: number;
  anon: number;
  file: number;
  pss: number;
}

const kib = (text: string, name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1] ?? NaN);

/** RSS (anonymous and file-backed parts) and PSS of `pid`. */
export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return {
    rss: kib(status, 'VmRSS'),
    anon: kib(status, 'RssAnon'),
    file: kib(status, 'RssFile') + kib(status, 'RssShmem'),
    pss: kib(rollup, 'Pss'),
  };
}

/** Every live descendant of `pid` (children, their children, …). */
export function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // ppid is the second field after the command name, which is in parentheses.
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended while we looked; it is nobody's descendant any more
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const [child, pp] of parent) if (pp === p) (out.push(child), walk(child));
  };
  walk(pid);
  return out;
}
