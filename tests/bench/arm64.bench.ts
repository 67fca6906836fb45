/**
 * The arm64 binary under emulation against the x64 one run natively: a new owner's first
 * minute (tests/support/first-steps.ts — version, serve to /readyz, a sign-up, a group, the
 * group reaching location, a fix, a chat message, a stop) with `dist/hearth-linux-arm64`
 * under qemu-aarch64-static (tests/support/qemu.ts) and with `dist/hearth-linux-x64` on
 * this machine, ARM64_RUNS times each (default 3), alternating so a change in the shared
 * machine's load falls on both. Both binaries come from one `npm run build` into a temp dir.
 * The x64 run is the baseline: "arm64 ÷ x64" is what emulation costs, step by step. A real
 * Raspberry Pi is neither: see docs/benchmarks.md for how to read it.
 *
 *   npm run bench:arm64                 the markdown table for docs/benchmarks.md
 *   ARM64_RUNS=1 npm run bench:arm64    a quick look
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRelease } from '../support/binary.ts';
import { FIRST_STEPS, firstSteps, formatSteps, type StepTimes } from '../support/first-steps.ts';
import { emulatedArm64, qemuEnv, qemuSkip } from '../support/qemu.ts';

const RUNS = Number(process.env.ARM64_RUNS ?? 3);
const skip = qemuSkip();
if (skip) {
  console.error(`bench:arm64: ${skip}`);
  process.exit(1);
}

const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
const loadAtStart = load();
const b0 = performance.now();
const dist = buildRelease();
console.error(`built ${dist} in ${((performance.now() - b0) / 1000).toFixed(1)} s`);

const runs: Record<'x64' | 'arm64', StepTimes[]> = { x64: [], arm64: [] };
for (let i = 1; i <= RUNS; i++) {
  for (const arch of ['x64', 'arm64'] as const) {
    const dir = mkdtempSync(join(tmpdir(), `hearth-arm64-bench-${arch}-`));
    try {
      const bin = join(dist, `hearth-linux-${arch}`);
      const took = arch === 'arm64' ? await firstSteps(emulatedArm64(bin), dir, qemuEnv) : await firstSteps({ binary: bin }, dir);
      runs[arch].push(took);
      console.error(`run ${i}/${RUNS} ${arch}: ${formatSteps(took)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const med = (arch: 'x64' | 'arm64', step: (typeof FIRST_STEPS)[number]) => median(runs[arch].map((r) => r[step]));
const rows = FIRST_STEPS.map((step) => {
  const [x, a] = [med('x64', step), med('arm64', step)];
  return `| ${step} | ${x.toFixed(0)} | ${a.toFixed(0)} | ${(a / Math.max(x, 1)).toFixed(1)}× |`;
});
const total = (arch: 'x64' | 'arm64') => median(runs[arch].map((r) => FIRST_STEPS.reduce((n, s) => n + r[s], 0)));

console.log(`
arm64 under qemu-aarch64-static against x64 native: ${RUNS} runs each, medians in ms; ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, load ${loadAtStart} at the start, ${load()} at the end

| step | x64 native | arm64 under QEMU | arm64 ÷ x64 |
| --- | --- | --- | --- |
${rows.join('\n')}
| **all steps** | ${total('x64').toFixed(0)} | ${total('arm64').toFixed(0)} | ${(total('arm64') / total('x64')).toFixed(1)}× |
`);
process.exit(0);
