// Runs every test file with Node's test runner. Node 20's `--test` neither expands globs
// nor finds .ts files, so the list is built here: unit tests beside the code
// (*.test.ts) and everything under tests/ (benchmarks excluded: they are not tests).
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
  .sort();

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
