/**
 * The memory baselines, measured in the same run as Hearth's processes: `kit-idle.ts`
 * under Bun (the runtime alone; with a libSQL file and a NATS connection — the issue's
 * reference process) and the same script compiled the way Hearth is, so the cost of
 * being a compiled single executable shows apart from the cost of Hearth's code; then,
 * compiled, the ledger service on the kit alone, and again with the rest of Hearth's
 * modules imported but unused, to set against Hearth's ledger child, which loads them
 * all. One at a time, each alone (so its PSS is its own), idle as long as Hearth's
 * processes, then read from /proc.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../support/hearth-process.ts';
import { stopChild, type ProcessMemory } from './kit-binary.ts';
import { memoryOf } from './kit-proc.ts';
import { log } from './kit-support.ts';

const bun = join(root, 'node_modules/.bin/bun');
const script = join(root, 'tests/bench/kit-idle.ts');

/** Which baseline. */
export const Baseline = {
  bunNothing: 'bun, nothing loaded',
  bunBoth: 'bun + libSQL file + NATS connection',
  compiledNothing: 'compiled, nothing loaded',
  compiledBoth: 'compiled, libSQL file + NATS connection',
  compiledLedger: 'compiled, ledger on the kit alone',
  compiledLedgerAll: 'compiled, ledger + the rest of Hearth imported, unused',
} as const;

/** Compiles `entry` (under tests/bench) the way Hearth is compiled, to `out`. */
function compile(entry: string, out: string): void {
  const args = [join(root, 'scripts/build.ts'), '--outfile', out, '--entry', join(root, 'tests/bench', entry)];
  const built = spawnSync(bun, args, { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`could not compile ${entry}:\n${built.stdout}\n${built.stderr}`);
}

/** Starts each baseline process in turn, lets it idle `idleMs`, and reads its memory. */
export async function baselines(brokerUrl: string, dir: string, idleMs: number): Promise<ProcessMemory[]> {
  const exe = join(dir, 'idle');
  compile('kit-idle.ts', exe);
  const specs: [string, string[]][] = [
    [Baseline.bunNothing, [bun, script, 'nothing']],
    [Baseline.bunBoth, [bun, script, 'both', brokerUrl, join(dir, 'idle-bun.db')]],
    [Baseline.compiledNothing, [exe, 'nothing']],
    [Baseline.compiledBoth, [exe, 'both', brokerUrl, join(dir, 'idle-compiled.db')]],
    [Baseline.compiledLedger, [exe, 'ledger', brokerUrl, join(dir, 'idle-ledger.db')]],
    [Baseline.compiledLedgerAll, [exe, 'ledger+hearth', brokerUrl, join(dir, 'idle-ledger-all.db')]],
  ];
  const out: ProcessMemory[] = [];
  for (const [name, [cmd, ...args]] of specs) {
    const child = spawn(cmd!, args, { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        let said = '';
        child.stdout!.on('data', (d: Buffer) => (said += d).includes('ready\n') && resolve());
        child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
      });
      await new Promise((r) => setTimeout(r, idleMs));
      out.push({ name, ...memoryOf(child.pid!) });
      log(`  ${name}: RSS ${(out.at(-1)!.rss / 1024).toFixed(1)} MiB`);
    } finally {
      await stopChild(child);
    }
  }
  return out;
}
