/**
 * Runs a test service as a child process through `tests/kit-service/run.ts` (Node with
 * tsx, like the real services), so a test can SIGKILL it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** A started child service. */
export interface ChildService {
  readonly process: ChildProcess;
  /** What it wrote to stderr (its log), for failure messages. */
  readonly stderr: () => string;
  /** Resolves with the exit code or signal once it has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `service` against the broker at `url` with its database at `db` (and `env` added); resolves once it prints `ready`. */
export function startChild(service: 'ledger' | 'tally' | 'conductor' | 'north' | 'south', url: string, db: string, timeoutMs = 20_000, env: Record<string, string> = {}): Promise<ChildService> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'tests/kit-service/run.ts')], {
    cwd: root,
    env: { ...process.env, HEARTH_TEST_SERVICE: service, HEARTH_TEST_BROKER_URL: url, HEARTH_TEST_DB: db, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const svc: ChildService = { process: child, stderr: () => err, exited };
  return new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${service} did not get ready in ${timeoutMs} ms:\n${err}`));
    }, timeoutMs);
    child.stdout!.on('data', (d) => {
      out += d;
      if (/^ready \d+$/m.test(out)) {
        clearTimeout(timer);
        resolveReady(svc);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${service} exited (${code ?? signal}) before it was ready:\n${err}`));
    });
  });
}
