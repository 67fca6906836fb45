/**
 * The process table with real child processes: a child that exits is started again after
 * a growing delay, the delay starts over once a child has stayed up, and stopping sends
 * SIGTERM and then SIGKILL to a child that ignores it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createLogger } from '../kit/index.ts';
import { ProcessTable } from './children.ts';

const quiet = createLogger({ service: 'test', level: 'error', write: () => {} });

/** A logger that keeps what the table says (JSON lines), to read its decisions rather than time them. */
function recording(): { log: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { lines, log: createLogger({ service: 'test', level: 'warn', format: 'json', write: (l) => void lines.push(JSON.parse(l)) }) };
}
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
    // Each run lasts 400 ms (plus Node's start), longer than resetMs: every delay is the
    // initial 200 ms. Without the reset they would grow: 200, 400, 800 ms. The delays are read
    // from what the table logs, not timed: a loaded machine starts Node slowly.
    const { log, lines } = recording();
    const table = new ProcessTable(log, { initialMs: 200, maxMs: 5000, resetMs: 300 });
    table.start({ name: 'slow', command: node('setTimeout(() => process.exit(1), 400)'), env: { ...process.env } as Record<string, string> });
    await until(() => table.status().slow!.restarts >= 3, 20_000);
    await table.stopAll(1000);
    const delays = lines.filter((l) => l.msg === 'service exited; restarting').map((l) => l.restart_in_ms);
    assert.deepEqual(delays.slice(0, 3), [200, 200, 200]);
  });

  it('stops children with SIGTERM, and SIGKILLs one that ignores it', async () => {
    const { log, lines } = recording();
    const table = new ProcessTable(log, { initialMs: 50, maxMs: 100, resetMs: 1000 });
    const env = { ...process.env } as Record<string, string>;
    const dir = mkdtempSync(join(tmpdir(), 'children-'));
    const ready = join(dir, 'stubborn-ready');
    try {
      table.start({ name: 'polite', command: node('setInterval(() => {}, 1000)'), env });
      // The stubborn child says when its SIGTERM handler is in place (Node may start slowly).
      table.start({ name: 'stubborn', command: node(`process.on('SIGTERM', () => {}); require('fs').writeFileSync(${JSON.stringify(ready)}, ''); setInterval(() => {}, 1000)`), env });
      await until(() => table.status().polite!.pid > 0 && existsSync(ready), 20_000);
      const t0 = Date.now();
      await table.stopAll(500);
      assert.ok(Date.now() - t0 >= 450, 'waited for the stubborn child');
      assert.deepEqual(lines.filter((l) => l.msg === 'service did not stop in time; killing it').map((l) => l.child), ['stubborn']);
      assert.equal(table.status().polite!.restarts, 0);
      assert.equal(table.status().stubborn!.restarts, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
