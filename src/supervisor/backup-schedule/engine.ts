/**
 * The schedule's archive writer and checker: `hearth backup`'s own `writeBackup` and
 * `verifyBackup` (src/supervisor/backup), with the services and `backup.passphrase`
 * bound, and the manifest cut down to what the admin's list shows.
 */
import type { backups } from '../../contracts/index.ts';
import type { HearthConfig } from '../../config/index.ts';
import { verifyBackup, writeBackup, type BackupManifest } from '../backup/index.ts';
import type { BackupEngine } from './schedule.ts';

/**
 * What the list shows of a manifest.
 *
 * @example
 * summarize(manifest).services; // [{ name: 'users', head: 42, schema: { kit: 3, users: 7 }, bytes: 98304 }, …]
 */
export function summarize(m: BackupManifest): backups.Backup['manifest'] {
  return {
    hearthVersion: m.hearth,
    createdAt: m.created_at,
    services: m.databases.map((d) => ({ name: d.service, head: d.head, schema: { ...d.schema }, bytes: d.bytes })),
    skipped: m.skipped.map((s) => ({ service: s.service, reason: s.reason })),
  };
}

/**
 * Backups of `services`' databases, encrypted when `backup.passphrase` is set.
 *
 * @example
 * const engine = archiveEngine(config, ['users', 'chat']);
 * await engine.write('/mnt/usb/.hearth-backup-….partial');
 */
export function archiveEngine(config: HearthConfig, services: readonly string[]): BackupEngine {
  const passphrase = config.backup.passphrase ? { passphrase: config.backup.passphrase } : {};
  return {
    async write(out) {
      await writeBackup({ config, services, out, ...passphrase });
    },
    async verify(file) {
      return summarize(await verifyBackup(file, passphrase));
    },
  };
}
