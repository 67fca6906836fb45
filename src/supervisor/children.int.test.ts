/**
 * The process table with real child processes: a child that exits is started again after
 * a growing delay, the delay starts over once a child has stayed up, and stopping sends
 * SIGTERM and then SIGKILL to a child that ignores it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../kit/index.ts';
import { ProcessTable } from './children.ts';

const quiet = createLogger({ service: 'test', level: 'error', write: () => {} });
const node = (code: string) => [process.execPath, '-e', code];

async function until(fn: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('ProcessTable', { timeout: 30_000 }, () => {
  it('restarts a crashing child with exponential backoff', async () => {
    const starts: number[] = [];
    const table = new ProcessTable(quiet, { initialMs: 100, maxMs: 400, resetMs: 60_000 });
    const t0 = Date.now();
    table.start({ name: 'crasher', command: node('process.exit(3)'), env: { ...process.env } as Record<string, string> });
    await until(() => {
      const pid = table.status().crasher!.pid;
      if (pid && starts[starts.length - 1] !== pid) starts.push(pid);
      return table.status().crasher!.restarts >= 4;
    });
    const elapsed = Date.now() - t0;
    await table.stopAll(1000);
    // delays 100 + 200 + 400 + 400 (capped) before the 4th restart is counted at its exit
    assert.ok(elapsed >= 100 + 200 + 400, `restarted too fast: ${elapsed} ms`);
    assert.ok(new Set(starts).size >= 3, 'each restart is a new process');
  });

  it('starts the delay over after a child stayed up', async () => {
    // Each run lasts 400 ms, longer than resetMs: every delay is the initial 200 ms
    // (without the reset they would grow: 200, 400, 800 ms).
    const table = new ProcessTable(quiet, { initialMs: 200, maxMs: 5000, resetMs: 300 });
    table.start({ name: 'slow', command: node('setTimeout(() => process.exit(1), 400)'), env: { ...process.env } as Record<string, string> });
    const starts: [number, number][] = [];
    await until(() => {
      const pid = table.status().slow!.pid;
      if (pid && starts[starts.length - 1]?.[0] !== pid) starts.push([pid, Date.now()]);
      return starts.length >= 4;
    }, 10_000);
    await table.stopAll(1000);
    const gaps = starts.slice(1).map(([, t], i) => t - starts[i]![1] - 400);
    assert.ok(gaps[2]! < 600, `third delay grew: ${gaps.join(', ')} ms`);
  });

  it('stops children with SIGTERM, and SIGKILLs one that ignores it', async () => {
    const table = new ProcessTable(quiet, { initialMs: 50, maxMs: 100, resetMs: 1000 });
    const env = { ...process.env } as Record<string, string>;
    table.start({ name: 'polite', command: node('setInterval(() => {}, 1000)'), env });
    table.start({ name: 'stubborn', command: node("process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"), env });
    await until(() => table.status().polite!.pid > 0 && table.status().stubborn!.pid > 0);
    await new Promise((r) => setTimeout(r, 300)); // let the stubborn one install its handler
    const t0 = Date.now();
    await table.stopAll(500);
    assert.ok(Date.now() - t0 >= 450, 'waited for the stubborn child');
    assert.equal(table.status().polite!.restarts, 0);
    assert.equal(table.status().stubborn!.restarts, 0);
  });
});
