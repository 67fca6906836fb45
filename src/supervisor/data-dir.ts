/**
 * The data directory is private to the user running Hearth: it holds the signing key,
 * sessions, invite codes and password hashes. Everything Hearth creates is made with a
 * umask of 077 (directories 0700, files 0600, whatever the umask it was started with;
 * children inherit it), and `hearth serve` makes an existing directory private again —
 * every file and folder in it, recursively — or refuses to start, saying why.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Group and other permission bits: none may be set on anything in the data directory. */
const OTHERS = 0o077;

/** Makes every file and directory this process (and its children) creates private to its user. */
export function restrictUmask(): void {
  process.umask(OTHERS);
}

/** Why the data directory cannot be made private. */
export class DataDirError extends Error {}

/**
 * Creates `data` (0700) if missing; else removes group and other permissions from it and
 * from everything under it. Returns the paths it had to change (relative to `data`);
 * throws a DataDirError naming each path it could not fix and what to do about it.
 */
export function makePrivate(data: string): string[] {
  mkdirSync(data, { recursive: true, mode: 0o700 });
  const fixed: string[] = [];
  const problems: string[] = [];
  const visit = (path: string, rel: string): void => {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return; // chmod would change what it points at, outside the directory
    if (st.mode & OTHERS) {
      try {
        chmodSync(path, st.mode & 0o7700);
      } catch (err) {
        problems.push(`${path}: ${cannotChmod(err as NodeJS.ErrnoException, st.uid)}`);
        return;
      }
      // Some file systems (FAT, exFAT, some network mounts) accept chmod and keep nothing.
      if (statSync(path).mode & OTHERS) problems.push(`${path}: its file system does not keep permissions; move the data directory to one that does (or mount it with umask=077)`);
      else fixed.push(rel || '.');
    }
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name), rel ? join(rel, name) : name);
  };
  visit(data, '');
  if (problems.length) {
    throw new DataDirError(`the data directory ${data} is readable by other users and cannot be made private:\n  ${problems.join('\n  ')}`);
  }
  return fixed;
}

function cannotChmod(err: NodeJS.ErrnoException, owner: number): string {
  const me = process.getuid?.();
  if (err.code === 'EPERM' && me !== undefined && owner !== me) {
    return `it belongs to user ${owner}, not to you (${me}); run \`chown -R ${me} <data directory>\` as root, or run Hearth as its owner`;
  }
  return `${err.code ?? 'error'}: ${err.message}`;
}
