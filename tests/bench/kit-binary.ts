/**
 * The compiled binary (`buildBinary({ testServices: true })`: Hearth with `ledger` and
 * `tally` built in) started as `hearth serve` several times on one data directory (the
 * first run creates the databases, the rest reopen them): the time from spawn to the first
 * `/readyz` 200, polled every 20 ms. After the last start, the process tree idles and its
 * resident memory is read from /proc: the supervisor (which also runs the embedded broker
 * and the HTTP endpoint) and each service child, with the pids /readyz reports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { freePort } from '../support/net.ts';
import { buildBinary } from '../support/binary.ts';
import { writeTestConfig } from '../support/config.ts';
import { descendants, memoryOf, type Memory } from './kit-proc.ts';
import { log } from './kit-support.ts';

/** One process's idle memory. */
export interface ProcessMemory extends Memory {
  name: string;
}

/** What the binary part measured. */
export interface BinaryResult {
  buildSeconds: number;
  sizeMiB: number;
  /** Spawn → first /readyz 200, per run, in ms. */
  readyMs: number[];
  idleMs: number;
  /** The supervisor first, then each service, then anything else in the tree. */
  idle: ProcessMemory[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A TCP port nobody listens on right now. */

/** Sends SIGTERM and waits for the exit (SIGKILL after 10 s). */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(t);
}

async function readyz(url: string): Promise<{ status: number; body: any } | undefined> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return { status: r.status, body: await r.json() };
  } catch {
    return undefined; // not listening yet
  }
}

/** Builds the binary and measures `runs` starts and the idle tree after the last. */
export async function binary(runs: number, idleMs: number): Promise<BinaryResult> {
  const b0 = performance.now();
  const exe = buildBinary({ testServices: true });
  const buildSeconds = (performance.now() - b0) / 1000;
  const cfg = writeTestConfig('', { builtIn: true });
  const readyMs: number[] = [];
  let idle: ProcessMemory[] = [];
  const sizeMiB = statSync(exe).size / 2 ** 20;
  try {
    for (let run = 1; run <= runs; run++) await start(run);
  } finally {
    rmSync(cfg.dir, { recursive: true, force: true });
    rmSync(dirname(exe), { recursive: true, force: true }); // 100+ MiB per run otherwise left in /tmp
  }
  return { buildSeconds, sizeMiB, readyMs, idleMs, idle };

  async function start(run: number): Promise<void> {
    const http = `127.0.0.1:${await freePort()}`;
    const url = `http://${http}/readyz`;
    const t0 = performance.now();
    const child = spawn(exe, ['serve', '--config', cfg.file, '--http', http], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d));
    child.stderr!.on('data', (d: Buffer) => (out += d));
    try {
      while ((await readyz(url))?.status !== 200) {
        if (child.exitCode !== null) throw new Error(`hearth serve exited with ${child.exitCode}:\n${out.slice(-2000)}`);
        if (performance.now() - t0 > 30_000) throw new Error(`not ready within 30 s:\n${out.slice(-2000)}`);
        await sleep(20);
      }
      readyMs.push(performance.now() - t0);
      log(`  start ${run}: ready in ${readyMs.at(-1)!.toFixed(0)} ms`);
      if (run === runs) {
        await sleep(idleMs);
        const services = ((await readyz(url))?.body?.services ?? {}) as Record<string, { pid?: number }>;
        const named = new Map<number, string>([[child.pid!, 'supervisor (+ broker, HTTP)']]);
        for (const [name, s] of Object.entries(services)) if (s.pid) named.set(s.pid, name);
        const pids = [child.pid!, ...Object.values(services).flatMap((s) => (s.pid ? [s.pid] : []))];
        for (const p of descendants(child.pid!)) if (!pids.includes(p)) pids.push(p);
        idle = pids.map((p) => ({ name: named.get(p) ?? `other (pid ${p})`, ...memoryOf(p) }));
      }
    } finally {
      await stopChild(child);
    }
  }
}

export { freePort };
