/**
 * The supervisor's answers to the backup operations (src/contracts/backups.ts): the list,
 * a backup now, and a download in chunks. Only the gateway may send them (broker
 * permissions), after it checked that the actor is the instance admin; the supervisor
 * cannot ask the users service itself (only the gateway sends user-facing operations), so
 * the actor is logged, not checked, here.
 */
import { backups } from '../../contracts/index.ts';
import type { Responder } from '../../kit/index.ts';
import type { BackupDirectory } from './directory.ts';
import type { KeepPolicy } from './retention.ts';
import type { BackupSchedule } from './schedule.ts';

/** Room a reply needs besides the bytes (MessagePack framing, the `ok` wrapper, `size`). */
const REPLY_OVERHEAD = 1024;

/** What the answers read. */
export interface BackupOperations {
  schedule: BackupSchedule;
  dir: BackupDirectory;
  /** `backup.schedule`, whether new backups are encrypted, `backup.keep`. */
  cron: string;
  encrypted: boolean;
  keep: KeepPolicy;
  /** `broker.max_payload`: a chunk and its framing must fit in one message. */
  maxPayload: number;
}

/**
 * Registers the three operations on the supervisor's responder.
 *
 * @example
 * answerBackups(new Responder(nc, { service: 'supervisor', log, maxRequestBytes }), { schedule, dir, cron, encrypted, keep, maxPayload });
 */
export function answerBackups(responder: Responder, o: BackupOperations): void {
  responder.handle(backups.ListBackups, async () => {
    const { nextRun, running, last } = o.schedule.status();
    return {
      dir: o.dir.path,
      schedule: { cron: o.cron, nextRun, encrypted: o.encrypted, keep: { ...o.keep } },
      running,
      last,
      backups: await o.dir.list(),
    };
  });

  responder.handle(backups.StartBackup, async ({ actor }, ctx) => {
    const name = await o.schedule.begin('manual');
    ctx.log.info('backup started through the API', { name, by: actor.userId });
    return { name };
  });

  responder.handle(backups.ReadBackup, async ({ actor, name, offset, length }, ctx) => {
    const chunk = await o.dir.read(name, offset, Math.max(1, Math.min(length, o.maxPayload - REPLY_OVERHEAD)));
    if (offset === 0) ctx.log.info('backup download begun', { name, bytes: chunk.size, by: actor.userId });
    return chunk;
  });
}
