/**
 * What `bin/hearth.js` saves by running the compiled code (build/node/, scripts/build-node.ts)
 * instead of loading tsx: CPU and wall time of `hearth version`, and of a whole `hearth serve`
 * on a fresh data directory from exec to its banner, then SIGTERM until it has exited —
 * compiled, against the same with HEARTH_FROM_SOURCE=1 in the same run (the baseline). CPU is
 * the whole process tree's (user + sys, from bash's `times`), which is what a Raspberry Pi's
 * cores and CI's two share.
 *
 *   npm run bench:launcher                 (LAUNCHER_RUNS, default 5)
 *
 * It builds build/node/ first, so the compiled code is current.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildNode } from '../../scripts/build-node.ts';
import { root } from '../support/hearth-process.ts';

const RUNS = Number(process.env.LAUNCHER_RUNS ?? 5);
const hearth = join(root, 'bin', 'hearth.js');

interface Sample {
  wallMs: number;
  cpuS: number;
}

/**
 * Runs `hearth <args>` under bash, whose `times` then gives the CPU of every process it
 * waited for (Hearth's children are waited for by Hearth); for serve, SIGTERM once its
 * banner is out.
 */
function measure(args: string[], fromSource: boolean): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const env = { ...process.env, HEARTH_FROM_SOURCE: fromSource ? '1' : '0' };
    const script = '"$@" & p=$!; echo "PID $p" >&2; wait $p; times >&2';
    const child = spawn('bash', ['-c', script, 'bash', process.execPath, '--max-semi-space-size=2', hearth, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let pid = 0;
    child.stdout.on('data', (b: Buffer) => {
      out += b;
      if (args[0] === 'serve' && pid && /open\s+http/.test(out)) process.kill(pid, 'SIGTERM');
    });
    child.stderr.on('data', (b: Buffer) => {
      err += b;
      pid ||= Number(/PID (\d+)/.exec(err)?.[1] ?? 0);
    });
    child.on('exit', (code) => {
      // `times`: the shell's user and sys, then its children's, e.g. "0m1.250s 0m0.310s".
      const lines = [...err.matchAll(/(\d+)m([\d.]+)s (\d+)m([\d.]+)s/g)];
      const kids = lines[1];
      if (code !== 0 || !kids) return reject(new Error(`hearth ${args[0]} exited ${code}:\n${out}\n${err}`));
      const secs = (m: string, s: string) => Number(m) * 60 + Number(s);
      resolve({ wallMs: performance.now() - started, cpuS: secs(kids[1]!, kids[2]!) + secs(kids[3]!, kids[4]!) });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await buildNode();
const dir = mkdtempSync(join(tmpdir(), 'hearth-launcher-bench-'));
const conf = join(dir, 'hearth.conf');
try {
  const rows: string[] = [];
  for (const [label, args] of [['`hearth version`', ['version']], ['`hearth serve`: exec → banner → stopped', ['serve', '--config', conf]]] as const) {
    const samples: Record<'compiled' | 'source', Sample[]> = { compiled: [], source: [] };
    for (let i = 0; i < RUNS; i++) {
      for (const mode of ['compiled', 'source'] as const) {
        const data = join(dir, `data-${mode}-${i}`);
        writeFileSync(conf, `data: "${data}"\nhttp: "127.0.0.1:0"\nbroker { port: -1 }\nlog { level: "warn" }\n`);
        samples[mode].push(await measure([...args], mode === 'source'));
        rmSync(data, { recursive: true, force: true });
      }
    }
    const c = samples.compiled;
    const s = samples.source;
    const cpu = [median(c.map((x) => x.cpuS)), median(s.map((x) => x.cpuS))];
    const wall = [median(c.map((x) => x.wallMs)), median(s.map((x) => x.wallMs))];
    rows.push(`| ${label} | ${cpu[0]!.toFixed(2)} s | ${cpu[1]!.toFixed(2)} s | ${(cpu[0]! / cpu[1]!).toFixed(2)}× | ${Math.round(wall[0]!)} ms | ${Math.round(wall[1]!)} ms | ${(wall[0]! / wall[1]!).toFixed(2)}× |`);
  }
  console.log(`${cpus().length} × ${cpus()[0]?.model.trim()}, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}, ${process.version}, medians of ${RUNS}\n`);
  console.log('| run | CPU compiled | CPU source (tsx) | ratio | wall compiled | wall source | ratio |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
