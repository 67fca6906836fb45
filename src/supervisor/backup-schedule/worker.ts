/**
 * `hearth backup-worker --out FILE [--config FILE]`: internal, started by `hearth serve`'s
 * backup schedule (engine.ts says why in a child process). Writes the backup at FILE with
 * the configuration's services and passphrase, verifies it, and prints one JSON line on
 * stdout (`WorkerAnswer`): the manifest's summary, or the stage that failed and why.
 * Exit 0 when it answered; 1 when it could not (stderr says why); 2 for a usage or
 * configuration error. It dies at once when the supervisor does (its stdin closes): the
 * hidden files it leaves are removed at the next start.
 */
import { configOrExit, fail } from '../command-line.ts';
import { restrictUmask } from '../data-dir.ts';
import { planServices } from '../plan.ts';
import { archiveEngine, BackupFailed, type WorkerAnswer } from './engine.ts';

/** Runs the worker; resolves with the exit code. `builtins`: the services this build has. */
export async function runBackupWorker(argv: string[], builtins: readonly string[]): Promise<number> {
  const at = argv.indexOf('--out');
  const out = at >= 0 ? argv[at + 1] : undefined;
  if (!out) return fail('usage: hearth backup-worker --out FILE [--config FILE] (started by hearth serve)');
  const loaded = configOrExit([...argv.slice(0, at), ...argv.slice(at + 2)]);
  if (typeof loaded === 'number') return loaded;
  const { config } = loaded;
  restrictUmask();
  const gone = () => process.kill(process.pid, 'SIGKILL');
  process.stdin.on('end', gone).on('error', gone).resume();
  const engine = archiveEngine(config, planServices(config, builtins).services);
  let answer: WorkerAnswer;
  try {
    answer = { ok: true, manifest: await engine.make(out) };
  } catch (err) {
    if (!(err instanceof BackupFailed)) throw err;
    answer = { ok: false, stage: err.stage, error: err.message };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
  process.stdin.off('end', gone).off('error', gone).destroy(); // done: its end is no longer news
  return 0;
}
