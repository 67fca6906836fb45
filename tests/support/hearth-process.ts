/**
 * Runs `hearth serve` (or another command) as a real process, under Node, Bun, Deno or the
 * compiled binary, and reads what it prints: the banner gives the HTTP and broker
 * addresses, so tests can use ephemeral ports throughout. `serveAppliance` (appliance.ts)
 * builds a ready `hearth serve` on this; for Hearth inside the test's process, see in-process.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');
const bun = join(root, 'node_modules/.bin/bun');
const deno = join(root, 'node_modules/.bin/deno');

/**
 * How to start Hearth: on a runtime, or a compiled binary — run through `via` when given
 * (another architecture's binary under an emulator: tests/support/qemu.ts).
 */
export type HearthRuntime = 'node' | 'bun' | 'deno' | { binary: string; via?: string[] };

/** Why a runtime cannot run here, or undefined. */
export function runtimeSkip(rt: HearthRuntime): string | undefined {
  if (rt === 'bun' && !existsSync(bun)) return 'bun is not installed';
  if (rt === 'deno' && !existsSync(deno)) return 'deno is not installed';
  return undefined;
}

/** The command line that runs `hearth <args>` on a runtime. */
export function hearthCommand(rt: HearthRuntime, args: string[]): string[] {
  if (typeof rt === 'object') return [...(rt.via ?? []), rt.binary, ...args];
  if (rt === 'bun') return [bun, join(root, 'bin/hearth.ts'), ...args];
  if (rt === 'deno') return [deno, 'run', '-A', join(root, 'bin/hearth.ts'), ...args];
  return [process.execPath, '--max-semi-space-size=2', join(root, 'bin/hearth.js'), ...args];
}

/** A running Hearth process. */
export interface HearthProcess {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the first match of `re` in the output (rejects after `ms`). */
  waitForOutput(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Every Hearth this test file started that has not exited yet. */
const running = new Set<ChildProcess>();
let reaper = false;

/**
 * Ends, with the test file, every Hearth it started and left running (a test that failed
 * before its `stop`, a banner that never came): the runner passes `--test-force-exit`, so a
 * file ends when its tests do, and this takes its appliances with it — their services follow
 * their supervisor (service-host.ts) — rather than leaving them to load the machine.
 */
function reapOnExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (reaper) return;
  reaper = true;
  process.once('exit', () => {
    for (const c of running) c.kill('SIGKILL');
  });
}

/**
 * Starts `hearth <args>`.
 *
 * @example
 * const h = spawnHearth('node', ['serve', '--config', file]);
 * const [, url] = await h.waitForOutput(/open\s+(http:\S+)/);
 */
export function spawnHearth(rt: HearthRuntime, args: string[], o: { env?: Record<string, string>; cwd?: string; uid?: number; gid?: number } = {}): HearthProcess {
  const [cmd, ...rest] = hearthCommand(rt, args);
  const as = o.uid === undefined ? {} : { uid: o.uid, gid: o.gid ?? o.uid };
  const child = spawn(cmd!, rest, { cwd: o.cwd ?? root, env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'], ...as });
  reapOnExit(child);
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (b: Buffer) => {
    out += b.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | string>((r) => child.once('exit', (code, signal) => r(code ?? signal ?? -1)));
  const waitForOutput = (re: RegExp, ms = 20_000) =>
    new Promise<RegExpMatchArray>((resolvePromise, reject) => {
      const check = () => {
        const m = out.match(re);
        if (m) {
          cleanup();
          resolvePromise(m);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${re} in:\n${out.slice(-3000)}`));
      }, ms);
      const gone = () => {
        cleanup();
        reject(new Error(`hearth exited while waiting for ${re}:\n${out.slice(-3000)}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
        child.off('exit', gone);
      };
      listeners.add(check);
      child.once('exit', gone);
      check();
      if (listeners.has(check) && (child.exitCode !== null || child.signalCode !== null)) gone();
    });
  return {
    child,
    output: () => out,
    waitForOutput,
    exited,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * The addresses the banner of `hearth serve` shows. The wait is a bound on a hang, not a
 * timing: a start takes 2–5 s alone, and CI runs three test files at once on two cores.
 */
export async function bannerOf(h: HearthProcess, ms = 60_000): Promise<{ http: string; broker: string }> {
  const [, http] = await h.waitForOutput(/open\s+(http:\/\/\S+)/, ms);
  const [, broker] = await h.waitForOutput(/broker\s+((?:nats|tls):\/\/\S+)/, ms);
  return { http: http!, broker: broker! };
}
