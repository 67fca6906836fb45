/**
 * libSQL's storage failures as typed errors. A full disk (`SQLITE_FULL`) becomes
 * `storage.full` (kind `insufficient_storage`, HTTP 507); a damaged file (`SQLITE_CORRUPT`,
 * `SQLITE_NOTADB`) becomes `storage.corrupt` (kind `unavailable`, HTTP 503), its message
 * naming the service and its details the file. Every other error is left as it is.
 */
import { AppError } from '../errors.ts';

/** SQLite's primary result codes for the failures handled here. */
const FULL = 13;
const CORRUPT = 11;
const NOTADB = 26;

/** What went wrong with the storage, if anything did. */
export type StorageFault = 'full' | 'corrupt';

/** The storage fault behind `err` (looking through `cause`), or undefined. */
export function storageFault(err: unknown): StorageFault | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof AppError && (e.code === 'storage.full' || e.code === 'storage.corrupt')) return e.code === 'storage.full' ? 'full' : 'corrupt';
    const { code, rawCode } = e as { code?: unknown; rawCode?: unknown };
    const primary = typeof rawCode === 'number' ? rawCode & 0xff : undefined;
    const name = typeof code === 'string' ? code : '';
    if (primary === FULL || name.startsWith('SQLITE_FULL')) return 'full';
    if (primary === CORRUPT || primary === NOTADB || name.startsWith('SQLITE_CORRUPT') || name.startsWith('SQLITE_NOTADB')) return 'corrupt';
  }
  return undefined;
}

/** What to tell the owner about a damaged database file. */
export function corruptAdvice(file: string): string {
  return `The database ${file} is damaged. Stop Hearth, run \`hearth check\`, and restore the file from a backup (or move it aside to start this service empty).`;
}

/** The typed error for `fault` in `service`'s database `file`. */
export function storageError(fault: StorageFault, service: string, file: string, cause?: unknown): AppError {
  if (fault === 'full') {
    return new AppError('insufficient_storage', 'storage.full', `The ${service} service cannot write: the disk holding its database is full`, { service, file }, { cause });
  }
  return new AppError('unavailable', 'storage.corrupt', `The ${service} service's database is damaged; the owner must restore it from a backup`, { service, file }, { cause });
}
