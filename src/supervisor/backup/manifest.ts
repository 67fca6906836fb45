/**
 * The manifest: the first entry of every backup archive (`manifest.json`), saying what the
 * archive holds and how to check it. Read before any database is written out, so a file
 * that is not one of our archives, or one from a newer format, is refused at once.
 */
import * as v from 'valibot';
import { BackupError } from './errors.ts';

/** The manifest's name in the archive (always its first entry). */
export const MANIFEST_NAME = 'manifest.json';

/** The archive format this build writes and reads. */
export const BACKUP_FORMAT = 1;

/** A service name as a file name: nothing that could leave the staging directory. */
const SERVICE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const Database = v.object({
  /** The service whose database this is. */
  service: v.pipe(v.string(), v.regex(SERVICE)),
  /** Its entry in the archive: `<service>.db`. */
  file: v.string(),
  bytes: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** Hex SHA-256 of the file. */
  sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  /** Migration scope → the highest version applied (`kit`, and the service's own). */
  schema: v.record(v.string(), v.pipe(v.number(), v.integer(), v.minValue(0))),
  /** The event log's head: the highest sequence number ever given out. */
  head: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** The id of its event log's current epoch (a new one begins at every restore). */
  epoch: v.optional(v.string()),
});

const Manifest = v.object({
  format: v.number(),
  hearth: v.string(),
  created_at: v.string(),
  databases: v.array(Database),
  /** Services not in the archive, and why (a remote database, none yet). */
  skipped: v.array(v.object({ service: v.string(), reason: v.string() })),
});

/** One database in an archive. */
export type BackupDatabase = v.InferOutput<typeof Database>;

/** What a backup archive holds. */
export type BackupManifest = v.InferOutput<typeof Manifest>;

/** The archive entry name of `service`'s database. */
export function dbFile(service: string): string {
  return `${service}.db`;
}

/**
 * Parses and checks a manifest's text; throws a `damaged` BackupError naming `where`.
 *
 * @example
 * const m = parseManifest(text, 'hearth-backup.tar');
 */
export function parseManifest(text: string, where: string): BackupManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new BackupError('damaged', `${where}: its manifest is not JSON; the archive is damaged`);
  }
  const format = (raw as { format?: unknown } | null)?.format;
  if (typeof format === 'number' && format > BACKUP_FORMAT) {
    throw new BackupError('schema', `${where} is in backup format ${format}, made by a newer Hearth; this one reads format ${BACKUP_FORMAT}`);
  }
  const r = v.safeParse(Manifest, raw);
  if (!r.success) {
    const issue = r.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    throw new BackupError('damaged', `${where}: its manifest is not valid (${path ? `${path}: ` : ''}${issue.message})`);
  }
  const m = r.output;
  if (m.format !== BACKUP_FORMAT) throw new BackupError('damaged', `${where}: unknown backup format ${m.format}`);
  const seen = new Set<string>();
  for (const d of m.databases) {
    if (d.file !== dbFile(d.service)) throw new BackupError('damaged', `${where}: the manifest names ${d.file} for service ${d.service}`);
    if (seen.has(d.service)) throw new BackupError('damaged', `${where}: the manifest lists ${d.service} twice`);
    seen.add(d.service);
  }
  return m;
}
