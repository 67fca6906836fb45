/**
 * The process table: one child process per service, started by re-running this program
 * (`hearth service <name>`). A child that exits on its own is started again after an
 * exponential delay (250 ms, 500 ms, 1 s … up to the maximum), and the delay starts over
 * once a child has stayed up long enough. Stopping sends SIGTERM, waits, then SIGKILLs.
 *
 * Each child's stdin is a pipe from this process that nothing is ever written to: when the
 * supervisor dies, however it dies, the kernel closes it and the child reads end-of-file
 * at once (`service-host.ts` stops on it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { backoffCeiling, type Logger } from '../kit/index.ts';

/** How children are started and restarted. */
export interface ChildSpec {
  name: string;
  command: string[];
  env: Record<string, string>;
  /** Receives each line the child prints (stdout and stderr), instead of them going to ours. */
  output?: (line: string) => void;
  /** Called each time the child is started (again). */
  onSpawn?: () => void;
  /** In a session of its own: a Ctrl+C at the terminal reaches the supervisor, not the child, which is stopped in its turn. */
  detached?: boolean;
}

/** Restart policy. */
export interface RestartPolicy {
  initialMs: number;
  maxMs: number;
  resetMs: number;
}

/**
 * Counts a restart of `slot` and returns how long to wait before it: `initialMs` doubling
 * up to `maxMs`, starting over once the last start had stayed up `resetMs`. One policy for a
 * child process and for a service in one-process mode (in-process.ts).
 */
export function nextRestart(slot: { startedAt: number; attempt: number; restarts: number }, policy: RestartPolicy): number {
  if (Date.now() - slot.startedAt >= policy.resetMs) slot.attempt = 0;
  slot.restarts++;
  return backoffCeiling({ initialMs: policy.initialMs, maxMs: policy.maxMs }, slot.attempt++);
}

interface Slot {
  spec: ChildSpec;
  child?: ChildProcess;
  startedAt: number;
  attempt: number;
  restarts: number;
  timer?: ReturnType<typeof setTimeout>;
  exited?: Promise<void>;
}

/**
 * Runs and watches the service processes.
 *
 * @example
 * const table = new ProcessTable(log, policy);
 * table.start({ name: 'chat', command: [...selfCommand(), 'service', 'chat'], env });
 * await table.stopAll(10_000);
 */
export class ProcessTable {
  readonly #slots = new Map<string, Slot>();
  readonly #log: Logger;
  readonly #policy: RestartPolicy;
  #stopping = false;

  constructor(log: Logger, policy: RestartPolicy) {
    this.#log = log;
    this.#policy = policy;
  }

  /** Starts a child and keeps it running until `stopAll`. */
  start(spec: ChildSpec): void {
    const slot: Slot = { spec, startedAt: 0, attempt: 0, restarts: 0 };
    this.#slots.set(spec.name, slot);
    this.#spawn(slot);
  }

  /** Pid and restart count of each child (pid 0 while waiting to restart). */
  status(): Record<string, { pid: number; restarts: number }> {
    return Object.fromEntries([...this.#slots].map(([n, s]) => [n, { pid: s.child?.pid ?? 0, restarts: s.restarts }]));
  }

  /** SIGTERM to every child; SIGKILL to those still running after `timeoutMs`. */
  async stopAll(timeoutMs: number): Promise<void> {
    this.#stopping = true;
    const running = [...this.#slots.values()].filter((s) => s.child && s.exited);
    for (const s of this.#slots.values()) clearTimeout(s.timer);
    for (const s of running) s.child!.kill('SIGTERM');
    const all = Promise.all(running.map((s) => s.exited));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), timeoutMs)));
    if ((await Promise.race([all, late])) === 'late') {
      for (const s of running) {
        if (s.child!.exitCode === null && s.child!.signalCode === null) {
          this.#log.warn('service did not stop in time; killing it', { child: s.spec.name, timeout_ms: timeoutMs });
          s.child!.kill('SIGKILL');
        }
      }
      await all;
    }
    clearTimeout(timer);
  }

  /** SIGKILL to every child at once (the second Ctrl+C). */
  killAll(): void {
    this.#stopping = true;
    for (const s of this.#slots.values()) {
      clearTimeout(s.timer);
      s.child?.kill('SIGKILL');
    }
  }

  #spawn(slot: Slot): void {
    const [cmd, ...args] = slot.spec.command;
    const { output } = slot.spec;
    const child = spawn(cmd!, args, { env: slot.spec.env, stdio: ['pipe', output ? 'pipe' : 'inherit', output ? 'pipe' : 'inherit'], detached: slot.spec.detached ?? false });
    child.stdin?.on('error', () => {}); // never written to; an exited child's pipe is no news
    if (output) for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on('line', output);
    slot.spec.onSpawn?.();
    slot.child = child;
    slot.startedAt = Date.now();
    slot.exited = new Promise((resolve) => {
      let over = false; // 'error' (could not spawn) and 'exit' may both come
      const end = (code: number | null, signal: NodeJS.Signals | null) => {
        if (over) return;
        over = true;
        resolve();
        this.#exited(slot, code, signal);
      };
      child.once('error', (err) => {
        this.#log.error('could not start service', { child: slot.spec.name, err });
        end(null, null);
      });
      child.once('exit', end);
    });
  }

  #exited(slot: Slot, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#stopping) return;
    const delay = nextRestart(slot, this.#policy);
    this.#log.warn('service exited; restarting', { child: slot.spec.name, code, signal, restart_in_ms: delay, restarts: slot.restarts });
    slot.child = undefined;
    slot.timer = setTimeout(() => !this.#stopping && this.#spawn(slot), delay);
  }
}
