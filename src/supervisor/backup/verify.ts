/**
 * Verifying an archive: everything a restore checks before it touches a data directory,
 * short of installing — the manifest, each database's size and SHA-256, and SQLite's full
 * `integrity_check` with the kit's text scan (checkDatabase). Scheduled backups are
 * verified so after writing; a restore does the same in its staging directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { checkDatabase } from '../../kit/index.ts';
import { readArchive } from './archive.ts';
import { BackupError } from './errors.ts';
import type { BackupManifest } from './manifest.ts';
import { openFile } from './snapshot.ts';

/**
 * Reads `file` into `into` (an empty directory) and checks every database in it; resolves
 * with the manifest, or throws a BackupError saying what is wrong.
 */
export async function unpackBackup(file: string, into: string, o: { passphrase?: string } = {}): Promise<BackupManifest> {
  const manifest = await readArchive(file, into, o.passphrase);
  for (const d of manifest.databases) await checkIntegrity(join(into, d.file), `${file}: ${d.service}'s database`);
  return manifest;
}

/**
 * Checks the archive `file` the way a restore would, in a temporary directory beside it
 * (removed after); resolves with its manifest, or throws a BackupError.
 *
 * @example
 * const m = await verifyBackup('backups/hearth-backup-20260102T033000Z.tar.gz');
 */
export async function verifyBackup(file: string, o: { passphrase?: string } = {}): Promise<BackupManifest> {
  const dir = dirname(file);
  let staging: string;
  try {
    staging = mkdtempSync(join(dir, `.${basename(file)}.verify-`));
  } catch (err) {
    throw new BackupError('missing', `cannot verify ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return await unpackBackup(file, staging, o);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Throws a `damaged` BackupError when the database file at `path` fails the full check. */
export async function checkIntegrity(path: string, what: string): Promise<void> {
  let client;
  try {
    client = await openFile(path);
  } catch (err) {
    throw new BackupError('damaged', `${what} cannot be opened: ${(err as Error).message}`, { cause: err });
  }
  try {
    const r = await checkDatabase(client, { full: true, maxProblems: 5 });
    if (!r.ok) throw new BackupError('damaged', `${what} is damaged: ${r.problems.join('; ')}`);
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError('damaged', `${what} is damaged: ${(err as Error).message}`, { cause: err });
  } finally {
    client.close();
  }
}
