/**
 * The kit benchmark's report: markdown tables for docs/benchmarks.md (each figure beside
 * its same-run baseline and the ratio, goals marked ✓/✗) or the same results as JSON.
 */
import type { ProcessMemory, BinaryResult } from './kit-binary.ts';
import type { Memory } from './kit-proc.ts';
import { Baseline } from './kit-baseline.ts';
import type { CatchupResult } from './kit-catchup.ts';
import type { OutboxResult, RateRow } from './kit-outbox.ts';
import { median } from './kit-support.ts';

/** A part's result, or why it has none. */
export type Outcome<T> = { value: T } | { error: string };

/** Everything one run measured. */
export interface KitRun {
  outbox: Outcome<OutboxResult>;
  catchup: Outcome<CatchupResult>;
  binary: Outcome<BinaryResult>;
  baselines: Outcome<ProcessMemory[]>;
}

/**
 * The issue's goals. Its memory goal says "60 MB" beside "a bare Bun process … about
 * 53 MB", and a bare Bun process measures about 54 MiB here, so its MB are read as MiB.
 */
export const goals = { readyMs: 1500, processMiB: 60 } as const;

const fmt = (x: number, digits = 0): string => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}×` : '—');
const mark = (ok: boolean): string => (ok ? '✓' : '✗');
const mib = (kib: number): string => fmt(kib / 1024, 1);
const head = (cols: string[]): string[] => [`| ${cols.join(' | ')} |`, `|${cols.map((_, i) => (i ? ' ---: ' : ' --- ')).join('|')}|`];

function outboxTable(o: OutboxResult): string[] {
  const row = (r: RateRow): string =>
    `| ${r.title} (${fmt(r.events)}) | ${r.rawPerTx} | ${fmt(r.rawPerSec)} | ${fmt(r.committedPerSec)} | ${fmt(r.publishedPerSec)} | ${ratio(r.committedPerSec, r.rawPerSec)} | ${ratio(r.publishedPerSec, r.rawPerSec)} | ${fmt(r.txPerEvent, 2)} |`;
  return [
    `Outbox vs raw inserts, events/s (median of ${o.rounds} rounds; synchronous=${o.synchronous.outbox} on the outbox's write connection, ${o.synchronous.raw} on the raw one — 2 is FULL):`,
    '',
    ...head(['Writes (events)', 'raw rows/tx', 'raw libSQL', 'outbox committed', 'outbox published', 'committed / raw', 'published / raw', 'outbox tx/event']),
    ...o.rows.map(row),
  ];
}

function catchupTable(c: CatchupResult): string[] {
  return [
    `Consumer catch-up, ${fmt(c.events)} events, events/s (median of ${c.rounds} rounds; tally's start on an empty log took ${fmt(c.emptyStartMs)} ms):`,
    '',
    ...head(['Measure', 'raw copy', 'tally (kit)', 'tally / raw']),
    `| catch-up from an empty checkpoint | ${fmt(c.rawPerSec)} | ${fmt(c.kitPerSec)} | ${ratio(c.kitPerSec, c.rawPerSec)} |`,
  ];
}

function readyTable(b: BinaryResult): string[] {
  const med = median(b.readyMs);
  const max = Math.max(...b.readyMs);
  return [
    `Compiled binary (${fmt(b.sizeMiB, 0)} MiB, built in ${fmt(b.buildSeconds, 1)} s), \`hearth serve\` with ledger and tally, ${b.readyMs.length} starts (the first on an empty data directory): ${b.readyMs.map((x) => fmt(x)).join(', ')} ms`,
    '',
    ...head(['Measure', 'hearth', 'Goal']),
    `| exec → /readyz 200, median, ms | ${fmt(med)} | ≤ ${fmt(goals.readyMs)} ${mark(med <= goals.readyMs)} |`,
    `| exec → /readyz 200, max, ms | ${fmt(max)} | ≤ ${fmt(goals.readyMs)} ${mark(max <= goals.readyMs)} |`,
  ];
}

function memoryTable(b: BinaryResult | undefined, base: ProcessMemory[] | undefined): string[] {
  const ref = base?.find((p) => p.name === Baseline.bunBoth);
  const cols = ['Process', 'RSS MiB', 'anon MiB', 'file MiB', 'PSS MiB', `RSS / ${Baseline.bunBoth}`, `RSS ≤ ${goals.processMiB} MiB`];
  const line = (p: ProcessMemory): string =>
    `| ${p.name} | ${mib(p.rss)} | ${mib(p.anon)} | ${mib(p.file)} | ${mib(p.pss)} | ${ref ? ratio(p.rss, ref.rss) : '—'} | ${mark(p.rss / 1024 <= goals.processMiB)} |`;
  const lines = [
    `Idle memory${b ? ` ${fmt(b.idleMs / 1000, 0)} s after ready` : ''} (RSS = anon: heaps and stacks + file: mapped executable and libraries; PSS shares each page among the processes mapping it); baselines each alone, idle as long, in the same run:`,
    '',
    ...head(cols),
  ];
  if (b) {
    for (const p of b.idle) lines.push(line(p));
    const sum = (k: keyof Memory) => b.idle.reduce((s, p) => s + p[k], 0);
    lines.push(`| whole tree (${b.idle.length} processes) | ${mib(sum('rss'))} | ${mib(sum('anon'))} | ${mib(sum('file'))} | ${mib(sum('pss'))} | — | — |`);
  }
  for (const p of base ?? []) lines.push(line({ ...p, name: `baseline: ${p.name}` }));
  return lines;
}

/** The markdown report. */
export function markdown(run: KitRun, command: string, machine: string): string {
  const out = [`Command: \`${command}\``, `Machine: ${machine}`];
  const notes: string[] = [];
  const part = <T>(name: string, o: Outcome<T>, render: (v: T) => string[]) => {
    if ('error' in o) notes.push(`${name} failed: ${o.error}`);
    else out.push('', ...render(o.value));
  };
  part('outbox', run.outbox, outboxTable);
  part('catch-up', run.catchup, catchupTable);
  part('binary', run.binary, readyTable);
  if ('error' in run.baselines) notes.push(`memory baselines failed: ${run.baselines.error}`);
  const b = 'value' in run.binary ? run.binary.value : undefined;
  const base = 'value' in run.baselines ? run.baselines.value : undefined;
  if (b || base) out.push('', ...memoryTable(b, base));
  return [...out, ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : [])].join('\n');
}

/** The same results as JSON, for scripts. */
export function json(run: KitRun, command: string, machine: string): string {
  return JSON.stringify({ command, machine, date: new Date().toISOString(), goals, ...run }, null, 2);
}
