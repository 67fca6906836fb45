/**
 * Turns the benchmark's results into the markdown table for docs/benchmarks.md (one column
 * per broker, then each other broker's ratio to nats-server with its goal) or into JSON.
 */
import type { IdleResult } from './idle-connections.ts';
import type { Outcome } from './phases.ts';
import type { RequestReplyResult } from './request-reply.ts';
import type { ThroughputResult } from './throughput.ts';

/** Everything measured against one broker. */
export interface TargetRun {
  target: string;
  /** Why the broker could not be started, if it could not. */
  error?: string;
  phases: Record<string, Outcome>;
}

/** The reference every ratio is taken against. */
export const reference = 'nats-server';

interface Metric {
  label: string;
  phase: string;
  read(v: unknown): number;
  digits: number;
  better: 'higher' | 'lower';
  /** Ratio ours/nats-server to reach: at least this (higher) or at most this (lower). */
  goal?: number;
}

const rate = (v: unknown): number => (v as ThroughputResult).rate;
const perCpu = (v: unknown): number => (v as ThroughputResult).rate / (v as ThroughputResult).brokerCores;
const rr = (k: 'p50' | 'p99') => (v: unknown): number => (v as RequestReplyResult)[k];
const idle = (f: (r: IdleResult) => number) => (v: unknown): number => f(v as IdleResult);

const tpLabels: Record<string, string> = {
  'pubsub-16': 'pub→sub 16 B',
  'pubsub-128': 'pub→sub 128 B',
  'pubsub-1k': 'pub→sub 1 KiB',
  'fanout-10': 'fan-out 1→10, 128 B (delivered)',
  'queue-10': 'queue group 1→10 workers, 128 B',
};

/** The rows of the main table. */
const metrics: Metric[] = [
  ...Object.entries(tpLabels).map(([phase, l]): Metric => ({ label: `${l}, msgs/s`, phase, read: rate, digits: 0, better: 'higher', goal: 0.6 })),
  { label: 'request/reply p50, µs', phase: 'request-reply', read: rr('p50'), digits: 0, better: 'lower', goal: 1.5 },
  { label: 'request/reply p99, µs', phase: 'request-reply', read: rr('p99'), digits: 0, better: 'lower' },
  { label: 'RSS idle, MiB', phase: 'idle-1000', read: idle((r) => r.beforeKiB / 1024), digits: 1, better: 'lower' },
  { label: 'RSS with 1,000 idle connections, MiB', phase: 'idle-1000', read: idle((r) => r.afterKiB / 1024), digits: 1, better: 'lower' },
  { label: 'RSS per idle connection, KiB', phase: 'idle-1000', read: idle((r) => r.perConnectionKiB), digits: 1, better: 'lower' },
];

/** Rows of the second table: throughput per second of broker CPU, whoever the bottleneck was. */
const efficiency: Metric[] = Object.entries(tpLabels).map(([phase, l]) => ({ label: `${l}, msgs per broker CPU-s`, phase, read: perCpu, digits: 0, better: 'higher' }));

const fmt = (x: number, digits: number): string =>
  x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function cell(run: TargetRun, m: Metric, notes: string[]): { text: string; value?: number } {
  if (run.error) return { text: 'not run' };
  const o = run.phases[m.phase];
  if (!o) return { text: 'not run' };
  if ('error' in o) return { text: 'failed' };
  const value = m.read(o.value);
  // CPU time comes in 10 ms ticks: a phase too short to register one has no per-CPU rate.
  if (!Number.isFinite(value)) return { text: '—' };
  const capped = m.phase in tpLabels && !(o.value as ThroughputResult).complete;
  if (capped) {
    const t = o.value as ThroughputResult;
    const note = `${run.target} ${m.phase}: only ${fmt(t.delivered, 0)} of ${fmt(t.expected, 0)} delivered within ${t.seconds.toFixed(1)} s; the rate is over that time.`;
    if (!notes.includes(note)) notes.push(note);
  }
  return { text: fmt(value, m.digits) + (capped ? '*' : ''), value };
}

function table(runs: TargetRun[], rows: Metric[], notes: string[]): string {
  const ref = runs.find((r) => r.target === reference);
  const others = runs.filter((r) => r.target !== reference);
  const ratioCols = ref ? others.map((r) => `${r.target} / ${reference}`) : [];
  const head = ['Measure', ...runs.map((r) => r.target), ...ratioCols, ...(ratioCols.length ? ['Goal'] : [])];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i ? ' ---: ' : ' --- ')).join('|')}|`];
  for (const m of rows) {
    const cells = runs.map((r) => cell(r, m, notes));
    const refValue = ref ? cells[runs.indexOf(ref)]!.value : undefined;
    const ratios = ref
      ? others.map((r) => {
          const v = cells[runs.indexOf(r)]!.value;
          if (v === undefined || refValue === undefined || refValue === 0) return '—';
          const ratio = v / refValue;
          if (m.goal === undefined) return `${ratio.toFixed(2)}×`;
          const met = m.better === 'higher' ? ratio >= m.goal : ratio <= m.goal;
          return `${ratio.toFixed(2)}× ${met ? '✓' : '✗'}`;
        })
      : [];
    const goal = m.goal === undefined ? '—' : `${m.better === 'higher' ? '≥' : '≤'} ${m.goal}×`;
    lines.push(`| ${[m.label, ...cells.map((c) => c.text), ...ratios, ...(ratioCols.length ? [goal] : [])].join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The markdown report: command, machine, both tables and any notes on failed or capped phases. */
export function markdown(runs: TargetRun[], command: string, machine: string): string {
  const notes: string[] = [];
  const main = table(runs, metrics, notes);
  const eff = table(runs, efficiency, notes);
  for (const r of runs) {
    if (r.error) notes.push(`${r.target} was not run: ${r.error}`);
    for (const [id, o] of Object.entries(r.phases)) if ('error' in o) notes.push(`${r.target} ${id} failed: ${o.error}`);
  }
  return [
    `Command: \`${command}\``,
    `Machine: ${machine}`,
    '',
    main,
    '',
    'Throughput per second of broker CPU (shows the broker\'s own cost even where the clients, which share the machine, were the limit):',
    '',
    eff,
    ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
}

/** The same results as JSON, for scripts. */
export function json(runs: TargetRun[], command: string, machine: string): string {
  return JSON.stringify({ command, machine, date: new Date().toISOString(), reference, runs }, null, 2);
}
