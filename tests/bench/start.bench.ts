/**
 * Start and idle-memory benchmark of the whole appliance, in both modes: `hearth serve`
 * (a process per service, the baseline) and `hearth serve --one-process`, under Node as
 * `npm start` runs it (bin/hearth.js on build/node/; `npm run bench:start` builds it first)
 * with the five built-in services. Not a test: it prints figures and the goals beside them.
 *
 *   npm run bench:start                     5 starts per mode, then 10 s idle
 *   BENCH_STARTS=3 npm run bench:start      fewer starts
 *   npm run bench:start -- --binary dist/hearth   the compiled binary instead of Node
 *   BENCH_BASELINE=/tmp/old npm run bench:start   also another checkout's multi-process start
 *                                           (built: npm run build:node there), taking turns too
 *
 * Each start: spawn → the first `/readyz` 200, polled every 10 ms on a port chosen before
 * the spawn, and the CPU time the process tree had used by then (what a start costs when
 * the cores are busy with other work). The modes take turns (multi, one, multi, one, …) so that a machine whose load
 * changes weighs on both alike; each mode keeps its own data directory, so its first start
 * creates the databases and the rest reopen them. From each start's JSON log, where the time
 * went: when each service said `ready` (after exec) and how long its own boot took, and when
 * the supervisor saw every service healthy. After the last start of a mode the appliance
 * idles, then its memory is read from /proc: RSS and PSS (smaps_rollup) of the supervisor and
 * of every process under it, summed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/net.ts';
import { root } from '../support/hearth-process.ts';
import { descendants, memoryOf, type Memory } from './kit-proc.ts';
import { cpuSeconds } from './proc-stats.ts';
import { stopChild } from './kit-binary.ts';
import { log, median } from './kit-support.ts';

const STARTS = Number(process.env.BENCH_STARTS ?? '5') || 5;
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? '10000') || 10_000;
const at = process.argv.indexOf('--binary');
const binary = at >= 0 ? process.argv[at + 1] : undefined;
const baseline = process.env.BENCH_BASELINE;
interface Mode {
  name: string;
  args: string[];
  /** Another checkout to run (BENCH_BASELINE). */
  root?: string;
}
const MODES: Mode[] = [
  { name: 'multi-process', args: [] },
  { name: 'one-process', args: ['--one-process'] },
  ...(baseline ? [{ name: 'baseline multi-process', args: [], root: baseline }] : []),
];
const SERVICES = ['users', 'location', 'chat', 'notifications', 'gateway'];

interface Start {
  ms: number;
  /** CPU seconds (user + system) the process tree had used by then: a start's cost on a machine with one free core. */
  cpu: number;
  /** Per service: ms after exec it said `ready`, and its own boot's ms. */
  ready: Record<string, { at: number; boot: number }>;
  healthyAt?: number;
  /** The supervisor's own marks (its `started` line), ms since its process began. */
  phases: Record<string, number>;
}
interface Result {
  starts: Start[];
  memory: { name: string; pid: number; mem: Memory }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dir = mkdtempSync(join(tmpdir(), 'hearth-start-bench-'));
const command = (args: string[], from = root) => (binary ? [binary, ...args] : [process.execPath, '--max-semi-space-size=2', join(from, 'bin/hearth.js'), ...args]);

function configFile(mode: string): string {
  const file = join(dir, `${mode}.conf`);
  writeFileSync(file, `data: "${join(dir, mode)}"\nbroker { port: -1, websocket { port: -1 } }\nbackup { schedule: "" }\nlog { format: "json" }\n`);
  return file;
}

async function readyz(url: string): Promise<number> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).status;
  } catch {
    return 0; // not listening yet
  }
}

async function start(mode: Mode, last: boolean): Promise<{ start: Start; memory: Result['memory'] }> {
  const http = `127.0.0.1:${await freePort()}`;
  const url = `http://${http}/readyz`;
  const wall0 = Date.now();
  const t0 = performance.now();
  const [cmd, ...args] = command(['serve', '--config', configFile(mode.name.replace(/ /g, '-')), '--http', http, ...mode.args], mode.root);
  const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  let memory: Result['memory'] = [];
  try {
    while ((await readyz(url)) !== 200) {
      if (child.exitCode !== null) throw new Error(`hearth serve exited with ${child.exitCode}:\n${out.slice(-2000)}`);
      if (performance.now() - t0 > 60_000) throw new Error(`not ready within 60 s:\n${out.slice(-2000)}`);
      await sleep(10);
    }
    const ms = performance.now() - t0;
    const cpu = [child.pid!, ...descendants(child.pid!)].reduce((t, pid) => t + cpuSeconds(pid), 0);
    if (last) {
      await sleep(IDLE_MS);
      const pids = [child.pid!, ...descendants(child.pid!)];
      memory = pids.map((pid, i) => ({ pid, name: i === 0 ? 'supervisor' : 'child', mem: memoryOf(pid) }));
    }
    const s: Start = { ms, cpu, ready: {}, phases: {} };
    for (const line of out.split('\n')) {
      if (!line.startsWith('{')) continue;
      const l = JSON.parse(line) as { time: string; service: string; msg: string; ms?: number; phases?: Record<string, number> };
      if (l.service === 'supervisor' && l.msg === 'started') s.phases = l.phases ?? {};
      const after = Date.parse(l.time) - wall0;
      if (l.msg === 'ready' && SERVICES.includes(l.service)) s.ready[l.service] = { at: after, boot: l.ms ?? 0 };
      if (l.msg === 'all services healthy' && s.healthyAt === undefined) s.healthyAt = after;
    }
    return { start: s, memory };
  } finally {
    await stopChild(child);
  }
}

const results = new Map<string, Result>(MODES.map((m) => [m.name, { starts: [], memory: [] }]));
const load0 = loadavg();
try {
  for (let run = 1; run <= STARTS; run++) {
    for (const mode of MODES) {
      const { start: s, memory } = await start(mode, run === STARTS);
      const r = results.get(mode.name)!;
      r.starts.push(s);
      if (memory.length) r.memory = memory;
      log(`  ${mode.name} start ${run}: /readyz 200 after ${s.ms.toFixed(0)} ms`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const load1 = loadavg();

const mib = (kib: number) => (kib / 1024).toFixed(1);
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const out: string[] = [];
out.push(`Start and idle memory, ${binary ? `the binary ${binary}` : `Node ${process.version} (bin/hearth.js, build/node/)`}, ${STARTS} starts per mode (the first on an empty data directory), idle ${IDLE_MS / 1000} s; load average ${load0[0].toFixed(1)} at the start, ${load1[0].toFixed(1)} at the end.`);
out.push('');
out.push(row(['', ...MODES.map((m) => m.name), 'one / multi', 'goal']));
out.push(row(['---', ...MODES.map(() => '---'), '---', '---']));
const figure = (name: string, fn: (r: Result) => number, fmt: (n: number) => string, goal: string) => {
  const values = MODES.map((m) => fn(results.get(m.name)!));
  out.push(row([name, ...values.map(fmt), `${(values[1]! / values[0]!).toFixed(2)}×`, goal]));
};
figure('exec → /readyz 200, median, ms', (r) => median(r.starts.map((s) => s.ms)), (n) => n.toFixed(0), '≤ 1,000');
figure('exec → /readyz 200, first (empty data dir), ms', (r) => r.starts[0]!.ms, (n) => n.toFixed(0), '≤ 1,000');
figure('exec → /readyz 200, max, ms', (r) => Math.max(...r.starts.map((s) => s.ms)), (n) => n.toFixed(0), '≤ 1,000');
figure('CPU time used by then (all processes), median, ms', (r) => median(r.starts.map((s) => s.cpu * 1000)), (n) => n.toFixed(0), '');
figure('processes at idle', (r) => r.memory.length, String, '');
figure('idle RSS, sum, MiB', (r) => r.memory.reduce((t, p) => t + p.mem.rss, 0), mib, '');
figure('idle PSS, sum, MiB', (r) => r.memory.reduce((t, p) => t + p.mem.pss, 0), mib, '≤ 100 (one-process)');
out.push('');
out.push('Where a start goes (medians over the starts, ms after exec): when each service said `ready` (its own boot, from opening its database to ready, in brackets); the supervisor\'s marks (ms since its process began: configuration loaded, data directory locked, broker listening, supervisor connected, services launched, all healthy); /readyz 200:');
out.push('');
out.push(row(['', ...MODES.map((m) => m.name)]));
out.push(row(['---', ...MODES.map(() => '---')]));
for (const svc of SERVICES) {
  out.push(row([svc, ...MODES.map((m) => {
    const ss = results.get(m.name)!.starts.filter((s) => s.ready[svc]);
    return ss.length ? `${median(ss.map((s) => s.ready[svc]!.at)).toFixed(0)} (${median(ss.map((s) => s.ready[svc]!.boot)).toFixed(0)})` : '—';
  })]));
}
const PHASES = ['configured', 'locked', 'broker', 'connected', 'services_launched', 'healthy'];
for (const p of PHASES) out.push(row([`supervisor: ${p.replace('_', ' ')}`, ...MODES.map((m) => median(results.get(m.name)!.starts.map((s) => s.phases[p] ?? NaN)).toFixed(0))]));
out.push(row(['all healthy (supervisor)', ...MODES.map((m) => median(results.get(m.name)!.starts.map((s) => s.healthyAt ?? NaN)).toFixed(0))]));
out.push(row(['/readyz 200', ...MODES.map((m) => median(results.get(m.name)!.starts.map((s) => s.ms)).toFixed(0))]));
out.push('');
out.push('Idle memory per process (multi-process: the supervisor runs the broker and the HTTP endpoint until the gateway listens):');
out.push('');
out.push(row(['mode', 'pid', 'RSS MiB', 'PSS MiB']));
out.push(row(['---', '---', '---', '---']));
for (const m of MODES) for (const p of results.get(m.name)!.memory) out.push(row([m.name, `${p.name} ${p.pid}`, mib(p.mem.rss), mib(p.mem.pss)]));
process.stdout.write(`${out.join('\n')}\n`);
