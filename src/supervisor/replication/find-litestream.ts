/**
 * Where the Litestream executable is, looked for only when replication is configured
 * (Hearth without `replication.url` never looks). In this order:
 *   1. `replication.litestream`, when set: it must be an executable file (a bare name is
 *      looked up on the PATH);
 *   2. the one inside the compiled binary (scripts/build.ts embeds it), extracted once into
 *      the user's cache directory, private and executable;
 *   3. the npm package `@flydotio/litestream-<platform>-<arch>` (the binary itself, not the
 *      `@flydotio/litestream` wrapper, which only spawns it through Node);
 *   4. `litestream` on the PATH.
 * None of these: `LitestreamMissing`, saying what was looked for and what to set.
 */
import { accessSync, constants, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { basename, delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import type { HearthConfig } from '../../config/index.ts';
import { bundledLitestream } from './bundled.ts';

/** No usable Litestream executable; the message says what was looked for and what to do. */
export class LitestreamMissing extends Error {
  override name = 'LitestreamMissing';
}

/** The npm package holding Litestream for this machine (none is published for linux-arm64). */
export const LITESTREAM_PACKAGE = `@flydotio/litestream-${process.platform}-${process.arch}`;

/**
 * The path of the Litestream executable to run.
 *
 * @example
 * const bin = findLitestream(config); // '/…/node_modules/@flydotio/litestream-linux-x64/litestream'
 */
export function findLitestream(config: Pick<HearthConfig, 'replication'>): string {
  const set = config.replication.litestream;
  if (set) {
    const file = set.includes('/') ? (isAbsolute(set) ? set : resolve(set)) : onPath(set);
    const why = file ? notExecutable(file) : 'not found on the PATH';
    if (why) throw new LitestreamMissing(`replication.litestream is "${set}", which is ${why}; set it to the path of the litestream executable, or to "" to use the one bundled with Hearth`);
    return file!;
  }
  if (bundledLitestream) return extracted(bundledLitestream);
  const fromNpm = npmLitestream();
  if (fromNpm) return fromNpm;
  const found = onPath('litestream');
  if (found) return found;
  throw new LitestreamMissing(
    `replication.url is set, but no Litestream executable was found: none is bundled for ${process.platform}-${process.arch} ` +
      `(npm package ${LITESTREAM_PACKAGE}) and there is no "litestream" on the PATH. ` +
      'Install Litestream v0.3.x (https://litestream.io/install) and set replication.litestream to its path, or set replication.url to "" to turn replication off',
  );
}

/** The platform package's executable, if that package is installed. */
function npmLitestream(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve(`${LITESTREAM_PACKAGE}/package.json`);
    const file = join(dirname(pkg), 'litestream');
    return notExecutable(file) ? undefined : file;
  } catch {
    return undefined; // not installed (or no package for this platform)
  }
}

/** `name` on the PATH, if it is there and executable. */
function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    if (!notExecutable(file)) return file;
  }
  return undefined;
}

/** Why `file` cannot be run, or undefined when it can. */
function notExecutable(file: string): string | undefined {
  try {
    if (!statSync(file).isFile()) return 'not a file';
    accessSync(file, constants.X_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'missing' : code === 'EACCES' ? 'not executable' : `unusable (${code ?? (err as Error).message})`;
  }
}

/**
 * The embedded asset copied out to `<cache>/hearth/<asset name>` (the name carries a hash of
 * its content, so a new build extracts its own): written to a temporary name, made
 * executable for this user only, then renamed, so a half-written file is never run.
 */
function extracted(asset: string): string {
  const dir = privateDir();
  const file = join(dir, basename(asset).replace(/\.$/, '')); // Bun names an extensionless asset `litestream-<hash>.`
  const size = statSync(asset).size;
  try {
    if (statSync(file).size === size && !notExecutable(file)) return file;
  } catch {
    // not extracted yet
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, readFileSync(asset), { mode: 0o700 }); // Bun's embedded files can be read, not copied
  renameSync(tmp, file);
  return file;
}

/**
 * `$XDG_CACHE_HOME/hearth` or `~/.cache/hearth`, else `<tmp>/hearth-<uid>`: created private,
 * and refused when another user owns it or can write to it (they could swap the executable).
 */
function privateDir(): string {
  const home = process.env.HOME ? homedir() : '';
  const base = process.env.XDG_CACHE_HOME || (home ? join(home, '.cache') : '');
  const dir = base ? join(base, 'hearth') : join(tmpdir(), `hearth-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const s = statSync(dir);
  const uid = process.getuid?.();
  if ((uid !== undefined && s.uid !== uid) || (s.mode & 0o022) !== 0) {
    throw new LitestreamMissing(`cannot extract the bundled Litestream into ${dir}: it must belong to this user and be writable by nobody else (or set replication.litestream)`);
  }
  return dir;
}
