// Runs every test file with Node's test runner. Node 20's `--test` neither expands globs
// nor finds .ts files, so the list is built here: unit tests beside the code
// (*.test.ts) and everything under tests/ (benchmarks excluded: they are not tests).
// `node scripts/test.js tests/web chat` runs the files whose paths contain either word.
//
// Three runs at a time keep the two cores busy (much of a test's time is spent waiting on
// real processes, clocks and pages). The work is shared out as it goes, not in fixed lanes:
// each slow file (a real appliance, a browser, a runtime) is a job of its own, the quick
// files of a folder one job together, longest first. One slot takes the browser files, one
// at a time (two Chromiums against two appliances starve each other's clocks), and then
// helps with the rest. Each job's report is printed whole when it ends; the totals last.
import { readdirSync } from 'node:fs';
import { spawn } from 'node:child_process';

const roots = ['embedded-broker', 'src', 'services', 'bin', 'tests'];
const only = process.argv.slice(2);
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
  .sort();

/** Folders whose files each start Hearth, a runtime or a browser: a job per file. */
const SLOW = /^tests\/(runtimes|platform|e2e|fuzz|storage|consistency|web)\//;
/** Which slow files to start first: the longest folders, then the rest. */
const rank = (f) => ['tests/runtimes/', 'tests/platform/', 'tests/e2e/', 'tests/fuzz/'].findIndex((p) => f.startsWith(p)) >>> 0;

const browser = files.filter((f) => f.startsWith('tests/web/')).map((f) => [f]);
const slow = files.filter((f) => SLOW.test(f) && !f.startsWith('tests/web/')).sort((a, b) => rank(a) - rank(b)).map((f) => [f]);
const folders = new Map();
for (const f of files.filter((f) => !SLOW.test(f))) {
  const key = f.split('/').slice(0, 2).join('/');
  folders.set(key, [...(folders.get(key) ?? []), f]);
}
const quick = [...folders.values()].sort((a, b) => b.length - a.length);
const shared = [...slow, ...quick];

const totals = { tests: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 };
const failed = [];

/** Runs one job's files in one test runner; prints its report when it ends. */
function run(job) {
  return new Promise((resolve) => {
    const out = [];
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...job], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => out.push(b));
    child.on('exit', (code, signal) => {
      const text = Buffer.concat(out).toString();
      process.stdout.write(text);
      for (const [, key, n] of text.matchAll(/^# (tests|pass|fail|cancelled|skipped|todo) (\d+)$/gm)) totals[key] += Number(n);
      if (code !== 0) failed.push(`${job.length === 1 ? job[0] : `${job[0].split('/').slice(0, 2).join('/')}/ (${job.length} files)`}: exit ${code ?? signal}`);
      resolve();
    });
  });
}

/** One slot: its own queue first (if any), then the shared one. */
async function slot(own) {
  for (let job = own.shift() ?? shared.shift(); job; job = own.shift() ?? shared.shift()) await run(job);
}

const started = Date.now();
await Promise.all([slot(browser), slot([]), slot([])]);
const summary = Object.entries(totals).map(([k, n]) => `# ${k} ${n}`).join('\n');
process.stdout.write(`\n# all test files (${files.length}) in ${((Date.now() - started) / 60_000).toFixed(1)} min\n${summary}\n`);
if (failed.length) process.stdout.write(`# failed:\n${failed.map((f) => `#   ${f}`).join('\n')}\n`);
process.exit(failed.length ? 1 : 0);
