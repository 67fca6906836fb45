// Runs every test file with Node's test runner. Node 20's `--test` neither expands globs
// nor finds .ts files, so the list is built here: unit tests beside the code
// (*.test.ts) and everything under tests/ (benchmarks excluded: they are not tests).
// `node scripts/test.js tests/web chat` runs the files whose paths contain either word.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

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
  .sort()
  // The longest files first (browser tests, then whole appliances), so the run does not end
  // waiting on one of them while the other slot sits idle.
  .sort((a, b) => weight(b) - weight(a));

function weight(f) {
  if (f.startsWith('tests/web/')) return 2;
  if (f.startsWith('tests/platform/') || f.startsWith('tests/runtimes/')) return 1;
  return 0;
}

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
