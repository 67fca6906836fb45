/**
 * Writing a backup: a consistent snapshot of each service's database (snapshot.ts) taken
 * while Hearth keeps serving, into a private staging directory beside the output; then the
 * manifest and one archive, written under a temporary name and renamed when complete, so
 * a half-written archive never carries the final name. The data lock is not taken: a
 * running Hearth holds it, and the snapshots need none.
 *
 * The copies are taken one after another, consumers first: the services come in producer
 * order (users, location, chat, notifications, gateway — each consumes only those before
 * it), and are copied in reverse. So a consumer's checkpoint in its copy is never ahead of
 * its producer's copied event log (heads only grow); the events in between are read again
 * from the producer's log after a restore, and consumers apply them once.
 */
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { HearthConfig } from '../../config/index.ts';
import { HEARTH_VERSION, redactUrl } from '../../kit/index.ts';
import { dbOptions } from '../service-host.ts';
import { writeArchive, type ArchiveFile } from './archive.ts';
import { BackupError } from './errors.ts';
import { BACKUP_FORMAT, dbFile, type BackupManifest } from './manifest.ts';
import { digestFile, openFile, readFacts, snapshotFile } from './snapshot.ts';

/** Progress of a backup: `done` of `total` databases copied, the last one `service`. */
export interface BackupProgress {
  service: string;
  done: number;
  total: number;
}

/** What `writeBackup` needs. */
export interface WriteBackupOptions {
  config: HearthConfig;
  /** The services whose databases to back up, producers first (planServices(config, builtins).services). */
  services: readonly string[];
  /** The archive to write; must not exist yet. */
  out: string;
  /** Encrypts the archive (age format) when given. */
  passphrase?: string;
  onProgress?: (p: BackupProgress) => void;
}

/**
 * Writes an online backup of every listed service's database to `out`; resolves with its
 * manifest. A remote database (`db.url`) and one not created yet are skipped and listed
 * in `manifest.skipped`.
 *
 * @example
 * const m = await writeBackup({ config, services: planServices(config, builtins).services, out: 'hearth.tar.gz' });
 */
export async function writeBackup(o: WriteBackupOptions): Promise<BackupManifest> {
  if (existsSync(o.out)) throw new BackupError('refused', `${o.out} exists already; choose another --out`);
  const dir = dirname(o.out);
  if (!existsSync(dir)) throw new BackupError('missing', `${dir}: no such directory for the backup`);
  const staging = mkdtempSync(join(dir, `.${basename(o.out)}.staging-`));
  const partial = join(dir, `.${basename(o.out)}.partial-${process.pid}`);
  try {
    const manifest: BackupManifest = { format: BACKUP_FORMAT, hearth: HEARTH_VERSION, created_at: new Date().toISOString(), databases: [], skipped: [] };
    const files: ArchiveFile[] = [];
    let done = 0;
    for (const service of [...o.services].reverse()) {
      const db = dbOptions(o.config, service);
      if (db.url) manifest.skipped.push({ service, reason: `its database is not a file here (db.url ${redactUrl(db.url)}); back it up where it lives` });
      else if (!existsSync(db.path!)) manifest.skipped.push({ service, reason: 'it has no database yet' });
      else {
        const copy = join(staging, dbFile(service));
        await snapshotFile(db.path!, copy);
        const client = await openFile(copy);
        let facts;
        try {
          facts = await readFacts(client);
        } finally {
          client.close();
        }
        const { bytes, sha256 } = await digestFile(copy);
        manifest.databases.push({ service, file: dbFile(service), bytes, sha256, ...facts });
        files.push({ name: dbFile(service), path: copy, bytes });
      }
      o.onProgress?.({ service, done: ++done, total: o.services.length });
    }
    if (!files.length) {
      throw new BackupError('missing', `nothing to back up in ${o.config.data}: ${manifest.skipped.map((x) => `${x.service}: ${x.reason}`).join('; ') || 'no services'}`);
    }
    await writeArchive(partial, manifest, files, o.passphrase);
    renameSync(partial, o.out);
    return manifest;
  } finally {
    rmSync(partial, { force: true });
    rmSync(staging, { recursive: true, force: true });
  }
}
