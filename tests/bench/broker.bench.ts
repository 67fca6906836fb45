/**
 * Broker benchmark: our broker against Debian's nats-server, in one run, with the same
 * client code. Not a test — it prints figures and exits 0; the goals are printed beside
 * the ratios for a person to read.
 *
 *   npm run bench:broker                    markdown table for docs/benchmarks.md
 *   npm run -s bench:broker -- --json       the same results as JSON (-s: no npm banner on stdout)
 *   BENCH_TARGETS=nats-server npm run bench:broker    only the listed brokers
 *   BENCH_SCALE=0.1 npm run bench:broker    a tenth of the messages, for a quick look
 *
 * Fairness on a small machine (2 cores here): brokers and clients share the cores, and
 * neither broker is pinned. nats-server (Go) may spread over both cores; our broker runs
 * its work on one JavaScript thread. That is the deployment we care about — one appliance
 * on a small box — so each broker is allowed what it would take there. The clients are
 * identical for both: the `nats` package over TCP, publishers and subscribers in separate
 * worker threads of this process (so neither waits on the other's event loop), flow
 * controlled by a shared delivery counter rather than by either broker's buffering. Where
 * the clients, not the broker, are the limit, the throughput ratio understates the gap, so
 * a second table divides each rate by the broker's own CPU time to show its cost per message.
 */
import { cpus, release, totalmem } from 'node:os';
import { spawnSync } from 'node:child_process';
import { conf, start, targets, type Running } from '../conformance/targets.ts';
import { phases, type Outcome } from './phases.ts';
import { json, markdown, type TargetRun } from './report.ts';

const asJson = process.argv.includes('--json');
const log = (line: string): void => void process.stderr.write(`${line}\n`);

// Our own variable, so narrowing the benchmark does not narrow the conformance suite.
const wanted = (process.env.BENCH_TARGETS ?? 'nats-server,hearth-node').split(',').map((s) => s.trim());

function command(): string {
  const env = ['BENCH_TARGETS', 'BENCH_SCALE'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]} `);
  const args = process.argv.slice(2);
  return `${env.join('')}npm run ${asJson ? '-s ' : ''}bench:broker${args.length ? ` -- ${args.join(' ')}` : ''}`;
}

function machine(): string {
  const nats = spawnSync('nats-server', ['--version'], { encoding: 'utf8' }).stdout?.trim() || 'nats-server not found';
  const gib = (totalmem() / 2 ** 30).toFixed(0);
  return `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${gib} GiB, Linux ${release()}, Node ${process.version}, ${nats}`;
}

// targets() reports skipped targets with console.log; sent to stderr, they cannot corrupt --json.
function available(): ReturnType<typeof targets> {
  const out = console.log;
  console.log = (...a: unknown[]) => log(a.join(' '));
  try {
    return targets();
  } finally {
    console.log = out;
  }
}

async function runTarget(name: string): Promise<TargetRun> {
  const target = available().find((t) => t.name === name);
  if (!target) return { target: name, error: 'not a target of tests/conformance/targets.ts (or excluded by HEARTH_TARGETS)', phases: {} };
  if (target.skip) return { target: name, error: target.skip, phases: {} };
  let broker: Running;
  try {
    broker = await start(target, conf());
  } catch (e) {
    // The message carries the process's whole output; its first "Error" line says why.
    const lines = (e as Error).message.split('\n');
    const why = lines.find((l) => /\bError\b/.test(l)) ?? lines.slice(0, 2).join(' ');
    return { target: name, error: `could not start: ${why.trim()}`, phases: {} };
  }
  const run: TargetRun = { target: name, phases: {} };
  try {
    for (const p of phases) {
      const t0 = Date.now();
      let outcome: Outcome;
      try {
        outcome = { value: await p.run(broker) };
      } catch (e) {
        outcome = { error: (e as Error).message };
      }
      run.phases[p.id] = outcome;
      log(`  ${name} ${p.title}: ${'error' in outcome ? `FAILED ${outcome.error}` : 'done'} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      if (broker.child.exitCode !== null || broker.child.signalCode !== null) {
        log(`  ${name} exited during ${p.id}; its output ends:\n${broker.output().slice(-500)}`);
        break;
      }
    }
  } finally {
    await broker.stop();
  }
  return run;
}

const t0 = Date.now();
const runs: TargetRun[] = [];
for (const name of wanted) {
  log(`# ${name}`);
  runs.push(await runTarget(name));
}
log(`# finished in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
process.stdout.write(`${(asJson ? json : markdown)(runs, command(), machine())}\n`);
// Client workers are closed after each phase, but a timed-out wait may still hold a timer;
// the figures are printed, so there is nothing left to wait for.
process.exit(runs.some((r) => !r.error) ? 0 : 1);
