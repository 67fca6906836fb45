/** Builds the single executable once per test process, the way `npm run build` does. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './hearth-process.ts';

const bun = join(root, 'node_modules/.bin/bun');
const built = new Map<string, string>();

/** Why the binary cannot be built here, or undefined. */
export const binarySkip = existsSync(bun) ? undefined : 'bun is not installed';

/**
 * Path of a freshly compiled `hearth`, built by scripts/build.ts into a temp dir; with
 * `testServices`, the variant with the kit's test services built in.
 */
export function buildBinary(o: { testServices?: boolean } = {}): string {
  const key = o.testServices ? 'test' : 'plain';
  const hit = built.get(key);
  if (hit) return hit;
  const out = join(mkdtempSync(join(tmpdir(), 'hearth-binary-')), 'hearth');
  const entry = o.testServices ? ['--entry', join(root, 'tests/kit-service/binary-entry.ts')] : [];
  const r = spawnSync(bun, [join(root, 'scripts/build.ts'), '--outfile', out, ...entry], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
  built.set(key, out);
  return out;
}

let release: string | undefined;

/**
 * The folder `npm run build` fills (`hearth-linux-x64`, `hearth-linux-arm64`, `hearth`,
 * `SHA256SUMS`), built once per test process into a temp dir with `--dist`. The arm64 one
 * needs the network the first time on a machine (Bun's arm64 runtime and libSQL's arm64
 * addon, both from npm; cached after).
 */
export function buildRelease(): string {
  if (release) return release;
  const dist = mkdtempSync(join(tmpdir(), 'hearth-dist-'));
  // Three executables, ~450 MB: not left behind in /tmp run after run.
  process.once('exit', () => rmSync(dist, { recursive: true, force: true }));
  const r = spawnSync(bun, [join(root, 'scripts/build.ts'), '--dist', dist], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
  release = dist;
  return dist;
}
