/**
 * Scheduled backups as the instance admin sees them through the API (docs/operations.md,
 * "Scheduled backups"): requests on `svc.supervisor.<op>`, which the supervisor answers
 * (it runs the schedule and holds the backup directory) and only the gateway may send
 * (broker permissions, src/supervisor/credentials.ts). The gateway checks that the actor
 * is the instance admin before it asks; `actor` travels along for the supervisor's log.
 * A download is a series of `ReadBackup` chunks, each well under `broker.max_payload`.
 *
 * @example
 * const { backups, schedule } = await api.request(backups.ListBackups, { actor });
 * const { name } = await api.request(backups.StartBackup, { actor });
 * const { data, size } = await api.request(backups.ReadBackup, { actor, name, offset: 0, length: backups.CHUNK_BYTES });
 */
import * as v from 'valibot';
import { command, query } from '../kit/index.ts';
import { Actor } from './users.ts';

const S = 'supervisor';

/** The most a `ReadBackup` returns at once: 256 KiB, a quarter of the default `broker.max_payload`. */
export const CHUNK_BYTES = 256 * 1024;

/** A scheduled backup's file name, strictly (no path): `hearth-backup-20261202T033000Z.tar.gz`, `.tar.gz.age`, either with `.failed`. */
export const BackupName = v.pipe(
  v.string(),
  v.regex(/^hearth-backup-\d{8}T\d{6}Z\.tar\.gz(\.age)?(\.failed)?$/, 'must be a backup name such as hearth-backup-20261202T033000Z.tar.gz'),
);

/** What a backup's manifest says, in short: the Hearth that wrote it and each service's database. */
export const ManifestSummary = v.object({
  /** The `hearth version` that wrote it. */
  hearthVersion: v.string(),
  /** When its snapshots were taken. */
  createdAt: v.string(),
  /** Each service's database: its event-log head and schema (migration scope → version) at the snapshot, and its size. */
  services: v.array(v.object({ name: v.string(), head: v.number(), schema: v.record(v.string(), v.number()), bytes: v.number() })),
  /** Services left out, and why (a remote database, none yet). */
  skipped: v.array(v.object({ service: v.string(), reason: v.string() })),
});

/** One backup in the directory. */
export const Backup = v.object({
  name: v.string(),
  /** When it began (from its name). */
  createdAt: v.string(),
  bytes: v.number(),
  /** Encrypted with `backup.passphrase` (age). */
  encrypted: v.boolean(),
  /** `verified`: read back whole after writing; `failed`: that check failed (`error` says why); `unverified`: no record of a check. */
  status: v.picklist(['verified', 'failed', 'unverified']),
  verifiedAt: v.nullable(v.string()),
  error: v.nullable(v.string()),
  manifest: v.nullable(ManifestSummary),
});
export type Backup = v.InferOutput<typeof Backup>;

/** The backup directory, the schedule and what is happening now. */
export const BackupList = v.object({
  /** The directory, as the supervisor resolved `backup.dir`. */
  dir: v.string(),
  schedule: v.object({
    /** `backup.schedule`; "" when off. */
    cron: v.string(),
    /** The next scheduled run (ISO 8601), or null when off. */
    nextRun: v.nullable(v.string()),
    /** Whether new backups are encrypted (`backup.passphrase` is set). */
    encrypted: v.boolean(),
    keep: v.object({ daily: v.number(), weekly: v.number(), monthly: v.number() }),
  }),
  /** The backup being written now, if any. */
  running: v.nullable(v.object({ name: v.string(), startedAt: v.string(), trigger: v.picklist(['schedule', 'manual', 'catch-up']) })),
  /** How the last backup this Hearth ran since it started ended (null: none yet). */
  last: v.nullable(v.object({ name: v.string(), at: v.string(), ok: v.boolean(), error: v.nullable(v.string()) })),
  /** Newest first. */
  backups: v.array(Backup),
});
export type BackupList = v.InferOutput<typeof BackupList>;

/** The backups, the schedule and the directory. */
export const ListBackups = query(S, 'backups_list', { version: 1, request: v.strictObject({ actor: Actor }), reply: BackupList });

/** Starts a backup now, verified like the scheduled ones; `backup.running` (conflict) while another is being written. */
export const StartBackup = command(S, 'backup_start', {
  version: 1,
  request: v.strictObject({ actor: Actor }),
  reply: v.object({ name: v.string() }),
});

/** Reads up to `length` bytes of a listed backup from `offset`; `size` is the whole file's. `backup.not_found` for a name not listed. */
export const ReadBackup = query(S, 'backup_read', {
  version: 1,
  request: v.strictObject({
    actor: Actor,
    name: BackupName,
    offset: v.pipe(v.number(), v.integer(), v.minValue(0)),
    length: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(CHUNK_BYTES)),
  }),
  reply: v.object({ data: v.instance(Uint8Array), size: v.number() }),
});
