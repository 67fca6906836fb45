/**
 * The names of scheduled backups: `hearth backup`'s own (`defaultArchiveName`),
 * `hearth-backup-20261202T033000Z.tar.gz` (`.tar.gz.age` when encrypted with
 * `backup.passphrase`), the UTC time it began, so names sort by time whatever the local
 * time zone or a daylight-saving change. A backup that failed its verification keeps its
 * name with `.failed` added. Files being written are hidden (`.hearth-backup-…`, never
 * listed) and removed at the next start if a stop or a crash left them. Only names of these
 * shapes are listed, served, kept or removed: anything else in the directory is left alone.
 */
import { defaultArchiveName } from '../backup/index.ts';

/** A backup's name, strictly: nothing else is ever opened (no path, no `..`). */
export const BACKUP_NAME = /^hearth-backup-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.tar\.gz(\.age)?(\.failed)?$/;

/** What a backup's name says about it. */
export interface NameInfo {
  name: string;
  /** When it began (from the name, to the second). */
  at: Date;
  encrypted: boolean;
  failed: boolean;
}

/**
 * The name of a backup beginning at `at` (to the second: two begun in the same second are
 * told apart by the schedule, which moves the second one on a second).
 *
 * @example
 * backupName(new Date('2026-12-02T03:30:00Z'), true); // 'hearth-backup-20261202T033000Z.tar.gz.age'
 */
export function backupName(at: Date, encrypted: boolean): string {
  return defaultArchiveName(at, encrypted);
}

/**
 * Reads a name; undefined for anything that is not a backup's name.
 *
 * @example
 * parseName('hearth-backup-20261202T033000Z.tar.gz.failed'); // { at: 2026-12-02T03:30:00Z, encrypted: false, failed: true, … }
 * parseName('../etc/passwd'); // undefined
 */
export function parseName(name: string): NameInfo | undefined {
  const m = BACKUP_NAME.exec(name);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // 20261302 is not a date: Date.UTC would quietly roll it into January.
  if (at.getUTCMonth() !== mo - 1 || at.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return { name, at, encrypted: m[7] !== undefined, failed: m[8] !== undefined };
}

/** The hidden name a backup is written under until it is verified. */
export function partialName(name: string): string {
  return `.${name}.partial`;
}

/** True for a file or directory a backup was being written or verified in (hidden, ours; left by a crash or a stop). */
export function isPartial(file: string): boolean {
  return /^\.+hearth-backup-/.test(file);
}
