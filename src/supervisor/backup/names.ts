/** Names and numbers as backups show them: timestamps in file names, sizes for people. */

/** `2026-01-02T03:30:00.123Z` → `20260102T033000Z`: sortable, and safe in a file name everywhere. */
export function utcStamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}

/** The default archive name: `hearth-backup-<UTC time>.tar.gz`, `.age` added when encrypted. */
export function defaultArchiveName(d: Date, encrypted: boolean): string {
  return `hearth-backup-${utcStamp(d)}.tar.gz${encrypted ? '.age' : ''}`;
}

/** A byte count for people: `812 B`, `4.2 MB`. */
export function describeSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let n = bytes / 1000;
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n < 10 ? n.toFixed(1) : Math.round(n)} ${units[i]}`;
}
