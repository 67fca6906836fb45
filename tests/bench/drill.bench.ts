/**
 * The disaster drill, measured (docs/operations.md "The disaster drill: RPO and RTO"): the
 * drill of tests/platform/drill.test.ts run DRILL_RUNS times (default 5), each on fresh
 * directories. Not a test: it prints figures; it exits 1 only if a write acknowledged more
 * than WINDOW_MS before a kill was missing after the restore (the drill test fails on that too).
 *
 *   npm run bench:drill                   the markdown table for docs/benchmarks.md
 *   DRILL_RUNS=2 DRILL_WRITE_MS=3000 npm run bench:drill   a quick look
 *
 * Each run: `hearth serve` (Node) replicating with Litestream to a folder every
 * SYNC_MS; Ann sends chat messages and Bo location fixes through the API, each write once
 * the previous one is answered, for DRILL_WRITE_MS (default 6000); the supervisor's process group
 * and Litestream's are SIGKILLed at once; `hearth restore --from-replica` rebuilds a new data
 * directory from the replica and `hearth serve` is started on it. Measured:
 *   - RPO: from the kill back to the last acknowledged write up to which every acknowledged
 *     write is in the restored databases (what the family lost, in time);
 *   - RTO: the restore command (its own start included), plus the start until /readyz 200;
 *   - the baseline, in the same run: that Hearth stopped (SIGTERM) and started again on the
 *     same restored data directory, until /readyz 200 — a plain start, no restore. RTO ÷
 *     baseline says what the restore adds to a start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { drill, spawnGroup, SYNC_MS, whenReady, WINDOW_MS, type DrillResult } from '../support/drill.ts';

const RUNS = Number(process.env.DRILL_RUNS ?? 5);
const WRITE_MS = Number(process.env.DRILL_WRITE_MS ?? 6000);

interface Run extends DrillResult {
  baselineMs: number;
}

const runs: Run[] = [];
for (let i = 1; i <= RUNS; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-drill-bench-'));
  try {
    const { result, served, http, file } = await drill(dir, WRITE_MS);
    const stopped = await served.stop('SIGTERM');
    if (stopped !== 0) throw new Error(`the restored Hearth stopped with ${stopped}:\n${served.output().slice(-2000)}`);
    const t0 = Date.now();
    const again = spawnGroup(['serve', '--config', file]);
    const baselineMs = await whenReady(http, t0);
    await again.stop('SIGTERM');
    runs.push({ ...result, baselineMs });
    process.stderr.write(`run ${i}/${RUNS}: acknowledged ${result.acked}, restored ${result.held}, lost older than the window ${result.lostOld.length}; RPO ${result.rpoMs} ms; restore ${result.restoreMs} ms + start ${result.startMs} ms = RTO ${result.rtoMs} ms; plain start ${baselineMs} ms\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const worst = (xs: number[]) => Math.max(...xs);
const s = (ms: number) => (ms / 1000).toFixed(2);
const row = (label: string, xs: number[]) => `| ${label} | ${s(median(xs))} | ${s(worst(xs))} |`;
const pick = (k: keyof Run) => runs.map((r) => r[k] as number);

process.stdout.write(`
Disaster drill: ${RUNS} runs, ${WRITE_MS / 1000} s of writes each, replication.sync_interval_ms ${SYNC_MS}; ${cpus().length} cores, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}

| per run, seconds | median | worst |
| --- | --- | --- |
${row('RPO: the kill − the last acknowledged write restored (with all before it)', pick('rpoMs'))}
${row('restore from the replica (5 databases)', pick('restoreMs'))}
${row('start on the restored data until /readyz 200', pick('startMs'))}
${row('**RTO**: restore + start', pick('rtoMs'))}
${row('baseline: a plain start of the same data directory', pick('baselineMs'))}

RTO ÷ baseline (median): ${(median(pick('rtoMs')) / median(pick('baselineMs'))).toFixed(2)}
acknowledged writes: ${runs.map((r) => r.acked).join(', ')}; restored: ${runs.map((r) => r.held).join(', ')}; lost though acknowledged more than ${WINDOW_MS} ms before the kill: ${runs.reduce((n, r) => n + r.lostOld.length, 0)}
`);
process.exit(runs.some((r) => r.lostOld.length) ? 1 : 0);
