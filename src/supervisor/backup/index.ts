/**
 * Backups and restores (docs/operations.md): `hearth backup` writes an online, consistent
 * snapshot of every service's database as one archive (manifest, checksums, optional age
 * encryption); `hearth restore` checks an archive — or a replica's copy — in a staging
 * directory and only then installs it into a stopped or new data directory.
 */
export { writeBackup, type BackupProgress, type WriteBackupOptions } from './write.ts';
export { verifyBackup, unpackBackup } from './verify.ts';
export { installRestore, type InstallOptions, type RestoredDatabase } from './install.ts';
export { BackupError, type BackupErrorKind } from './errors.ts';
export { BACKUP_FORMAT, type BackupManifest, type BackupDatabase } from './manifest.ts';
export { defaultArchiveName } from './names.ts';
export { runBackup } from './backup-command.ts';
export { runRestore } from './restore-command.ts';
