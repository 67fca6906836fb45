/**
 * Scheduled backups (docs/operations.md, "Scheduled backups"): the supervisor writes a
 * backup into `backup.dir` at each `backup.schedule` time, verifies it, keeps what
 * `backup.keep` says, and answers the instance admin's list, start and download requests
 * that the gateway forwards (src/contracts/backups.ts). Started by `hearth serve` once the
 * services are ready; stopped first when it stops.
 */
import type { NatsConnection } from 'nats';
import type { HearthConfig } from '../../config/index.ts';
import { backupDir } from '../../config/index.ts';
import { Responder, type Logger } from '../../kit/index.ts';
import { BackupDirectory } from './directory.ts';
import { workerEngine } from './engine.ts';
import { answerBackups } from './operations.ts';
import { BackupSchedule } from './schedule.ts';

export { BackupDirectory, type BackupRecord } from './directory.ts';
export { BackupSchedule, missedRun, type Trigger } from './schedule.ts';
export { retention, isoWeekOf, FAILED_KEEP_MS, type KeepPolicy, type RetentionPlan } from './retention.ts';
export { backupName, parseName, BACKUP_NAME, type NameInfo } from './names.ts';
export { archiveEngine, workerEngine, summarize, BackupFailed, type BackupEngine, type ManifestSummary } from './engine.ts';
export { runBackupWorker } from './worker.ts';

/** The running backups: the schedule and the supervisor's answers to the gateway. */
export interface ScheduledBackups {
  /** Makes a backup now when a scheduled time was missed while Hearth was off (`hasData`: there are accounts). */
  catchUp(hasData: boolean): Promise<void>;
  /** Stops answering and the timer; a running backup gets `timeoutMs` to finish, else its file is removed. */
  stop(timeoutMs: number): Promise<void>;
}

/**
 * Starts the schedule and the answers on `svc.supervisor.>`. Each backup is made by a
 * `hearth backup-worker` child given the same configuration file (`configFile`), which
 * backs up the services this configuration runs.
 *
 * @example
 * const backups = await startScheduledBackups({ config, configFile, nc, log });
 * await backups.catchUp(true);
 * await backups.stop(10_000);
 */
export async function startScheduledBackups(o: { config: HearthConfig; configFile?: string; nc: NatsConnection; log: Logger }): Promise<ScheduledBackups> {
  const { config } = o;
  const log = o.log.child({ part: 'backups' });
  const dir = new BackupDirectory(backupDir(config));
  const encrypted = config.backup.passphrase !== '';
  const keep = config.backup.keep;
  const schedule = new BackupSchedule({ cron: config.backup.schedule, keep, encrypted, dir, engine: workerEngine({ data: config.data, ...(o.configFile ? { configFile: o.configFile } : {}) }), log });
  await schedule.start();
  const responder = new Responder(o.nc, { service: 'supervisor', log, maxRequestBytes: config.kit.max_request_bytes });
  answerBackups(responder, { schedule, dir, cron: config.backup.schedule, encrypted, keep, maxPayload: config.broker.max_payload });
  responder.listen();
  if (config.backup.schedule) log.info('backups scheduled', { schedule: config.backup.schedule, next: schedule.status().nextRun, dir: dir.path, encrypted });
  return {
    catchUp: (hasData) => schedule.catchUp(hasData),
    async stop(timeoutMs) {
      await responder.stop();
      await schedule.stop(timeoutMs);
    },
  };
}
