/**
 * Kit benchmark: what the service kit costs, each figure beside a baseline measured in the
 * same run. Not a test — it prints figures and exits 0 if anything was measured; the goals
 * are printed beside the figures for a person to read.
 *
 *   npm run bench:kit                    markdown tables for docs/benchmarks.md
 *   npm run -s bench:kit -- --json       the same results as JSON (-s: no npm banner on stdout)
 *   BENCH_SCALE=0.1 npm run bench:kit    fewer events, for a quick look (starts and idle times stay)
 *
 * The parts, in order (each file's header says how it measures):
 *   1. kit-outbox.ts   events committed and published through ledger's outbox vs raw inserts;
 *   2. kit-catchup.ts  a fresh tally catching up on ledger's log vs a raw copy of it;
 *   3. kit-binary.ts   the compiled binary: exec → /readyz 200, idle memory per process;
 *   4. kit-baseline.ts idle baseline processes (kit-idle.ts), as a Bun script and compiled.
 * Parts 1 and 2 run in this process (Node) with the embedded broker in it too.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { root } from '../support/hearth-process.ts';
import { binarySkip } from '../support/binary.ts';
import { baselines } from './kit-baseline.ts';
import { binary } from './kit-binary.ts';
import { catchUp } from './kit-catchup.ts';
import { outbox } from './kit-outbox.ts';
import { json, markdown, type KitRun, type Outcome } from './kit-report.ts';
import { log, quietBroker, tempDir } from './kit-support.ts';

const asJson = process.argv.includes('--json');
const STARTS = 5;
const IDLE_MS = 3000;

function command(): string {
  const env = process.env.BENCH_SCALE ? `BENCH_SCALE=${process.env.BENCH_SCALE} ` : '';
  return `${env}npm run ${asJson ? '-s ' : ''}bench:kit${asJson ? ' -- --json' : ''}`;
}

function machine(): string {
  const bun = spawnSync(join(root, 'node_modules/.bin/bun'), ['--version'], { encoding: 'utf8' }).stdout?.trim() || 'not found';
  const gib = (totalmem() / 2 ** 30).toFixed(0);
  return `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${gib} GiB, Linux ${release()}, Node ${process.version}, Bun ${bun}`;
}

async function part<T>(title: string, fn: () => Promise<T>): Promise<Outcome<T>> {
  log(`# ${title}`);
  const t0 = Date.now();
  try {
    const value = await fn();
    log(`  done (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return { value };
  } catch (e) {
    log(`  FAILED: ${(e as Error).stack ?? String(e)}`);
    return { error: (e as Error).message.split('\n')[0]! };
  }
}

const t0 = Date.now();
const broker = await quietBroker();
const dir = tempDir();
const skip = <T>(): Promise<Outcome<T>> => Promise.resolve({ error: binarySkip! });
let run: KitRun;
try {
  run = {
    outbox: await part('outbox vs raw inserts', () => outbox(broker.url, dir)),
    catchup: await part('consumer catch-up', () => catchUp(broker.url, join(dir, 'catchup'))),
    binary: binarySkip ? await skip() : await part('compiled binary: ready time and idle memory', () => binary(STARTS, IDLE_MS)),
    baselines: binarySkip ? await skip() : await part('memory baselines', () => baselines(broker.url, dir, IDLE_MS)),
  };
} finally {
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
}
log(`# finished in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
process.stdout.write(`${(asJson ? json : markdown)(run, command(), machine())}\n`);
process.exit(Object.values(run).some((o) => 'value' in o) ? 0 : 1);
