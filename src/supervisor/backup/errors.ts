/** The one error type of backups and restores. */

/**
 * What went wrong, which also decides the exit code of `hearth restore`:
 * `damaged` (a corrupt, truncated or foreign file), `passphrase` (missing or wrong),
 * `schema` (made by a newer Hearth) exit 1 — the archive is bad; `refused` (a running
 * Hearth, a non-empty data directory) and `missing` (no such file) exit 2 — usage.
 */
export type BackupErrorKind = 'damaged' | 'passphrase' | 'schema' | 'refused' | 'missing';

/**
 * A backup or restore that cannot go on, with a message for the owner.
 *
 * @example
 * throw new BackupError('damaged', `${file}: chat.db does not match its checksum`);
 */
export class BackupError extends Error {
  readonly kind: BackupErrorKind;
  constructor(kind: BackupErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackupError';
    this.kind = kind;
  }

  /** The exit code of a command that stopped on this error. */
  get exitCode(): 1 | 2 {
    return this.kind === 'refused' || this.kind === 'missing' ? 2 : 1;
  }
}
