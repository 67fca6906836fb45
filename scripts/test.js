// Runs every test file with Node's test runner. Node 20's `--test` neither expands globs
// nor finds .ts files, so the list is built here: unit tests beside the code
// (*.test.ts) and everything under tests/ (benchmarks excluded: they are not tests).
// `node scripts/test.js tests/web chat` runs the files whose paths contain either word;
// `node scripts/test.js --one-process tests/platform` runs them against Hearth in one-process
// mode (tests/support/one-process.ts: every spawned `hearth serve` gets
// HEARTH_SUPERVISOR__ONE_PROCESS=true; `npm run test:one-process` runs the platform, e2e and
// runtimes suites so).
import { readdirSync } from 'node:fs';
import { spawn } from 'node:child_process';

const roots = ['embedded-broker', 'src', 'services', 'bin', 'tests'];
const args = process.argv.slice(2);
const oneProcess = args.includes('--one-process');
const only = args.filter((a) => a !== '--one-process');
const ONE_PROCESS_ENV = { HEARTH_SUPERVISOR__ONE_PROCESS: 'true' };
const files = roots
  .flatMap((root) => {
    try {
      return readdirSync(root, { recursive: true }).map((f) => `${root}/${f}`);
    } catch {
      return []; // a folder that does not exist yet holds no tests
    }
  })
  .filter((f) => f.endsWith('.test.ts') && !f.includes('/bench/') && !f.includes('node_modules'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()
  // The longest files first, so the run does not end waiting on one of them.
  .sort((a, b) => weight(b) - weight(a));

function weight(f) {
  if (f.startsWith('tests/platform/') || f.startsWith('tests/runtimes/')) return 1;
  return 0;
}

// `--test-force-exit`: a file ends when its tests have, even if something it started is still
// running (tests/support/hearth-process.ts then ends the Hearths it left behind), so one
// failed test never keeps the whole run waiting.
// Two lanes side by side: the browser tests one at a time (each runs Chromium against its own
// appliance and spends much of its time waiting on real clocks and pages), everything else two
// at a time. Three files at once keep the two cores busy; the serial lane's report is printed
// when it is done, so the two reports do not interleave.
// The serial lane also takes, after the browser files, a few long platform files whose time is
// mostly waiting (restores, a standby's catch-up, the drill): the browser files alone end it
// about halfway through the other lane's run. The arm64 binary under emulation is there too:
// one long file (a minute or more: six emulated processes start), better beside the browser
// files than in the busy lane.
const serialToo = [
  'tests/platform/backup-restore', 'tests/platform/standby.test', 'tests/platform/drill', 'tests/platform/restore-replica', 'tests/platform/scheduled-backups', 'tests/platform/arm64-qemu',
  // With Hearth's code compiled (build/node/) the browser lane ended four minutes before the
  // other (900 s against 1165 s): these two long files (the commands, a killed service) even them out.
  'tests/platform/commands.test', 'tests/platform/crash-restart',
  // #19 and #20 added about 110 s to the other lane (1013 s against 795 s): the cluster files and
  // HTTPS under every runtime even them out again.
  'tests/platform/cluster-family', 'tests/platform/nats-cluster', 'tests/gateway/https-serve',
];
const serial = (f) => f.startsWith('tests/web/') || serialToo.some((s) => f.startsWith(s));
const inSerial = [...files.filter((f) => f.startsWith('tests/web/')), ...files.filter((f) => serial(f) && !f.startsWith('tests/web/'))];
const rest = files.filter((f) => !serial(f));
// The whole run (no words given) also runs these again in one-process mode, one at a time after
// the serial lane: two appliances, a clean start and the family's flow through the gateway and
// its stream. Kept small, CI is over its budget; `npm run test:one-process` runs the rest.
const ONE_PROCESS_LANE = ['tests/platform/quiet-start.test.ts', 'tests/platform/stream-e2e.test.ts'];
const laneEnv = oneProcess ? { ...process.env, ...ONE_PROCESS_ENV } : process.env;
const lane = (list, concurrency, stdio, env = laneEnv) =>
  list.length === 0
    ? { done: Promise.resolve(0), out: [] }
    : (() => {
        const out = [];
        const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-force-exit', `--test-concurrency=${concurrency}`, ...list], { stdio, env });
        child.stdout?.on('data', (b) => out.push(b));
        child.stderr?.on('data', (b) => out.push(b));
        return { done: new Promise((r) => child.on('exit', (code, signal) => r(code ?? (signal ? 1 : 0)))), out };
      })();
const started = Date.now();
const took = (p) => p.then((code) => ({ code, s: Math.round((Date.now() - started) / 1000) }));
const serialLane = lane(inSerial, 1, ['ignore', 'pipe', 'pipe']);
const others = lane(rest, 2, 'inherit');
const oneProcessFiles = only.length === 0 && !oneProcess ? ONE_PROCESS_LANE : [];
let oneProcessLane = { out: [] };
const afterSerial = serialLane.done.then(async (code) => {
  oneProcessLane = lane(oneProcessFiles, 1, ['ignore', 'pipe', 'pipe'], { ...process.env, ...ONE_PROCESS_ENV });
  return Math.max(code, await oneProcessLane.done);
});
const [main, browser] = await Promise.all([took(others.done), took(afterSerial)]);
for (const b of serialLane.out) process.stdout.write(b);
if (oneProcessFiles.length) console.log(`# again with Hearth in one-process mode: ${oneProcessFiles.join(', ')}`);
for (const b of oneProcessLane.out) process.stdout.write(b);
// Where the time went, to keep the two lanes even (tests/README.md).
console.log(`# lanes: ${rest.length} files two at a time in ${main.s} s; ${inSerial.length} browser and long files${oneProcessFiles.length ? ` and ${oneProcessFiles.length} in one-process mode` : ''} one at a time in ${browser.s} s${oneProcess ? ' (Hearth in one-process mode)' : ''}`);
process.exit([main.code, browser.code].some((c) => c !== 0) ? 1 : 0);
