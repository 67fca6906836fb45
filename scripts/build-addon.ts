/**
 * libSQL's native addon for a build target (scripts/build.ts). The host's comes with
 * `npm ci` (`node_modules/@libsql/linux-x64-gnu`); another platform's does not — npm skips an
 * optional dependency whose `cpu`/`os` is not this machine's, and forcing it into
 * node_modules (`npm i --force`) would change the shared tree. So a foreign addon is fetched
 * with `npm pack` at the version and integrity that package-lock.json pins (libsql lists every
 * platform's addon as an optional dependency, so the lockfile has them all), checked against
 * that integrity, and unpacked into `build/addons/<package>-<version>/`, where later builds
 * find it without the network.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Where the lockfile pins a package: its version and `sha512-…` integrity. */
export function lockedPackage(root: string, pkg: string): { version: string; integrity: string } {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; integrity?: string }> };
  const entry = lock.packages[`node_modules/${pkg}`];
  if (!entry?.version || !entry.integrity) throw new Error(`package-lock.json pins no ${pkg}: is it one of libsql's optional dependencies?`);
  return { version: entry.version, integrity: entry.integrity };
}

/** True when `file`'s bytes have the lockfile's `sha512-<base64>` integrity. */
export function hasIntegrity(file: string, integrity: string): boolean {
  const [algo, expected] = integrity.split('-', 2) as [string, string];
  return createHash(algo).update(readFileSync(file)).digest('base64') === expected;
}

/**
 * The path of `pkg`'s `index.node`: from node_modules when npm installed it (the host's),
 * else from the cache under build/addons, else fetched into it with `npm pack`.
 */
export function addonFile(root: string, pkg: string): string {
  const installed = join(root, 'node_modules', pkg, 'index.node');
  if (existsSync(installed)) return installed;
  const { version, integrity } = lockedPackage(root, pkg);
  const dir = join(root, 'build', 'addons', `${pkg.replace('/', '+')}-${version}`);
  const file = join(dir, 'index.node');
  if (existsSync(file)) return file;

  console.log(`build: fetching ${pkg}@${version} (npm pack; not installable on this machine)`);
  mkdirSync(join(root, 'build', 'addons'), { recursive: true });
  const tmp = mkdtempSync(join(root, 'build', 'addons', '.fetch-'));
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const pack = spawnSync(npm, ['pack', `${pkg}@${version}`, '--pack-destination', tmp, '--json', '--silent'], { cwd: tmp, encoding: 'utf8' });
    if (pack.status !== 0) throw new Error(`npm pack ${pkg}@${version} failed:\n${pack.stderr}`);
    const [{ filename }] = JSON.parse(pack.stdout) as [{ filename: string }];
    const tgz = join(tmp, filename);
    if (!hasIntegrity(tgz, integrity)) throw new Error(`${pkg}@${version}: the tarball does not match package-lock.json's integrity`);
    const tar = spawnSync('tar', ['-xzf', tgz, '-C', tmp], { encoding: 'utf8' });
    if (tar.status !== 0) throw new Error(`unpacking ${filename} failed:\n${tar.stderr}`);
    // A rename, so a build that stops half-way leaves no half-written addon to be found
    // later; it fails when a build running beside this one got there first, which is as good.
    try {
      renameSync(join(tmp, 'package'), dir);
    } catch (err) {
      if (!existsSync(file)) throw err;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!existsSync(file)) throw new Error(`${pkg}@${version} has no index.node`);
  return file;
}
