/**
 * `backup` and `replication`: the family's safety net (docs/operations.md). Read by the
 * supervisor and the backup, restore and standby commands only, so declared here rather
 * than in src/contracts/settings.
 */
import { isAbsolute, join } from 'node:path';
import { Cron } from 'croner';
import * as v from 'valibot';
import { settings } from '../contracts/index.ts';

const { section, setting } = settings;
const { bool, int, ms, text, url } = settings.rules;

/** How croner reads `backup.schedule`: five fields, or six with seconds first. */
export const CRON_MODE = '5-or-6-parts' as const;

/** True when croner accepts `expr` as a schedule. */
function isCron(expr: string): boolean {
  try {
    new Cron(expr, { mode: CRON_MODE, paused: true }).stop();
    return true;
  } catch {
    return false; // croner's words name the field; the report quotes what is allowed
  }
}

const CRON_ALLOWED = 'a cron expression of 5 fields (minute hour day-of-month month day-of-week, e.g. "30 3 * * *") or 6 with seconds first, or "" for no scheduled backups';

/** The `backup` section: scheduled online backups into a directory, with retention. */
export const backup = section({
  dir: setting(text('a directory path, or "" for <data>/backups'), '',
    'where scheduled backups are written; `""` is `<data>/backups`, a relative path is relative to the data directory. Put it on another disk (a USB drive, a NAS mount): a backup on the same SD card dies with it'),
  schedule: setting(v.pipe(v.string(CRON_ALLOWED), v.check((s) => s === '' || isCron(s), CRON_ALLOWED)), '30 3 * * *',
    'when scheduled backups run, as a cron expression in local time (`30 3 * * *`: every day at 03:30); `""` turns them off'),
  passphrase: setting(text(), '',
    'encrypts scheduled backups with this passphrase ([age](https://age-encryption.org) format); `""`: not encrypted (secret)'),
  keep: section({
    daily: setting(int(0, 3650), 7, 'scheduled backups kept: the newest of each of this many days …'),
    weekly: setting(int(0, 520), 4, '… and of this many weeks …'),
    monthly: setting(int(0, 120), 6, '… and of this many months (a backup kept by any rule stays)'),
  }),
});

/** The `replication` section: continuous replication of every service database with Litestream. */
export const replication = section({
  url: setting(url(['file:', 's3:'], '"" (no replication), a file:///absolute/path or an s3://bucket/prefix URL'), '',
    '`""`: no replication; `file:///mnt/nas/hearth` or `s3://bucket/prefix`: Litestream streams every service database there'),
  litestream: setting(text('the path of the litestream executable, or "" to use the one bundled with Hearth'), '',
    'the Litestream executable (a path, or a name on the PATH); `""`: the one inside the compiled binary, or from npm `@flydotio/litestream-<platform>-<arch>` when run from source (linux-x64 only), else `litestream` on the PATH'),
  sync_interval_ms: setting(ms(100, 3_600_000), 1000,
    'how often Litestream ships new writes to the replica: the most a dead disk can cost you'),
  snapshot_interval_ms: setting(ms(60_000, 2_592_000_000), 86_400_000,
    'how often Litestream writes a full snapshot to the replica (restores replay the WAL since the last one)'),
  retention_ms: setting(ms(3_600_000, 31_536_000_000), 259_200_000,
    'how long the replica keeps snapshots and WAL: how far back a restore can go'),
  standby_interval_ms: setting(ms(500, 3_600_000), 2000,
    'how often `hearth standby` brings its copy up to date with the replica (a file replica: only the databases that changed)'),
  s3: section({
    endpoint: setting(url(['http:', 'https:'], '"" (Amazon S3) or the http(s):// URL of an S3-compatible server'), '',
      '`""`: Amazon S3; else an S3-compatible server (MinIO, Backblaze B2, Garage …)'),
    region: setting(text(), '', 'the bucket\'s region; `""` lets Litestream find it'),
    access_key_id: setting(text(), '', 'the access key ID (`""`: from `AWS_ACCESS_KEY_ID` or `LITESTREAM_ACCESS_KEY_ID`)'),
    secret_access_key: setting(text(), '', '… and its secret (secret)'),
    force_path_style: setting(bool, false, 'path-style URLs (`endpoint/bucket/key`), which most S3-compatible servers need; with `endpoint` set Litestream uses them anyway'),
    skip_verify: setting(bool, false, 'accept the endpoint\'s TLS certificate unchecked (a self-signed server at home)'),
  }),
});

/** Where scheduled backups go: `backup.dir`, `<data>/backups` when empty, relative paths under the data directory. */
export function backupDir(config: { data: string; backup: { dir: string } }): string {
  const dir = config.backup.dir || 'backups';
  return isAbsolute(dir) ? dir : join(config.data, dir);
}
