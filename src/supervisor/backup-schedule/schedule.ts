/**
 * The backup schedule: at each `backup.schedule` time (croner, local time) a backup is
 * written into the backup directory under a hidden `.partial` name, verified by reading it
 * back whole, then given its name (`hearth-<UTC time>.tar[.age]`) — or `.failed` and an
 * error in the log and the list when the check fails — and the retention rules prune the
 * rest. One backup at a time: starting one while another runs is refused (`backup.running`,
 * 409 through the API) and a scheduled time that finds one running is skipped with a log
 * line (a backup was being made anyway). A time missed while Hearth was off is caught up
 * once at start (`missedRun`). At shutdown a running backup is given `timeoutMs` to finish;
 * after that its partial file is removed, so nothing half-written is ever listed.
 */
import { join } from 'node:path';
import { Cron } from 'croner';
import type { backups } from '../../contracts/index.ts';
import { AppError, sleep, type Logger } from '../../kit/index.ts';
import { CRON_MODE } from '../../config/index.ts';
import type { BackupDirectory } from './directory.ts';
import { BackupFailed, type BackupEngine } from './engine.ts';
import { backupName, partialName } from './names.ts';
import { retention, type KeepPolicy } from './retention.ts';

/** What starts a backup. */
export type Trigger = 'schedule' | 'manual' | 'catch-up';

/** What the schedule needs. */
export interface ScheduleOptions {
  /** `backup.schedule` ("" = off). */
  cron: string;
  keep: KeepPolicy;
  /** Whether the engine encrypts (the names end in `.age`). */
  encrypted: boolean;
  dir: BackupDirectory;
  engine: BackupEngine;
  log: Logger;
  /** The clock (tests). */
  now?: () => Date;
}

type Running = { name: string; startedAt: string; trigger: Trigger; done: Promise<void>; abort: AbortController; abandoned?: boolean };

/**
 * True when a scheduled time passed since the newest good backup was begun, so one is
 * owed: Hearth was off (or the backup failed) at that time. With no backup at all, one is
 * owed only when there is something to back up (`hasData`): a new appliance makes its
 * first backup at its first scheduled time, not at its first start.
 *
 * @example
 * missedRun(new Date('2026-12-02T03:30Z'), new Date('2026-12-01T03:30Z'), true); // true
 */
export function missedRun(lastScheduled: Date | undefined, newestGood: Date | undefined, hasData: boolean): boolean {
  if (!lastScheduled) return false;
  return newestGood ? newestGood.getTime() < lastScheduled.getTime() : hasData;
}

/**
 * The schedule and the one backup that may run.
 *
 * @example
 * const schedule = new BackupSchedule({ cron: '30 3 * * *', keep, encrypted: false, dir, engine, log });
 * schedule.start();
 * const name = await schedule.begin('manual');
 */
export class BackupSchedule {
  readonly #o: ScheduleOptions;
  readonly #now: () => Date;
  #job: Cron | undefined;
  #running: Running | undefined;
  #last: backups.BackupList['last'] = null;
  #stopping = false;

  constructor(o: ScheduleOptions) {
    this.#o = o;
    this.#now = o.now ?? (() => new Date());
  }

  /** Starts the timer (nothing when `backup.schedule` is ""), after removing what a stopped Hearth left half-written. */
  async start(): Promise<void> {
    const stale = await this.#o.dir.tidy();
    if (stale.length) this.#o.log.info('removed unfinished backup files', { files: stale });
    if (!this.#o.cron) return;
    this.#job = new Cron(this.#o.cron, { mode: CRON_MODE }, () => void this.#fire('schedule'));
  }

  /** Runs a backup now when a scheduled time was missed (see `missedRun`). */
  async catchUp(hasData: boolean): Promise<void> {
    if (!this.#o.cron) return;
    const last = new Cron(this.#o.cron, { mode: CRON_MODE, paused: true }).previousRuns(1, this.#now())[0];
    const newest = (await this.#o.dir.names()).filter((n) => !n.failed).sort((a, b) => b.at.getTime() - a.at.getTime())[0];
    if (missedRun(last, newest?.at, hasData)) {
      this.#o.log.info('a scheduled backup was missed; making one now', { scheduled: last?.toISOString(), newest: newest?.name ?? null });
      await this.#fire('catch-up');
    }
  }

  /** The next scheduled time, the backup running now and how the last one ended. */
  status(): Pick<backups.BackupList, 'running' | 'last'> & { nextRun: string | null } {
    const r = this.#running;
    return {
      nextRun: this.#job?.nextRun()?.toISOString() ?? null,
      running: r && r.name ? { name: r.name, startedAt: r.startedAt, trigger: r.trigger } : null,
      last: this.#last,
    };
  }

  /** Starts a backup; resolves with its name once it is under way. `backup.running` while another runs. */
  async begin(trigger: Trigger): Promise<string> {
    if (this.#stopping) throw new AppError('unavailable', 'backup.stopping', 'Hearth is stopping; start the backup after it restarts');
    if (this.#running) {
      throw new AppError('conflict', 'backup.running', `A backup is being written (${this.#running.name || 'starting'}); try again when it is done`, {
        running: this.#running.name,
      });
    }
    // Taken before the first await, so two requests at once cannot both start one.
    const running: Running = { name: '', startedAt: this.#now().toISOString(), trigger, done: Promise.resolve(), abort: new AbortController() };
    this.#running = running;
    try {
      await this.#o.dir.ensure().catch((err: Error) => {
        throw new AppError('unavailable', 'backup.dir_unusable', `Cannot write backups into ${this.#o.dir.path} (backup.dir): ${err.message}`, undefined, { cause: err });
      });
      let at = this.#now();
      while (await this.#o.dir.taken(backupName(at, this.#o.encrypted))) at = new Date(at.getTime() + 1000);
      running.name = backupName(at, this.#o.encrypted);
      if (this.#stopping) throw new AppError('unavailable', 'backup.stopping', 'Hearth is stopping; start the backup after it restarts');
    } catch (err) {
      this.#running = undefined;
      throw err;
    }
    running.done = this.#run(running)
      .catch((err: unknown) => {
        // Not the archive (the engine's failures are handled in #run): the directory itself (a disk gone, no permission).
        this.#o.log.error('backup failed', { name: running.name, trigger, err });
        this.#last = { name: running.name, at: this.#now().toISOString(), ok: false, error: (err as Error).message };
      })
      .finally(() => {
        if (this.#running === running) this.#running = undefined;
      });
    return running.name;
  }

  /** Stops the timer; gives a running backup `timeoutMs` to finish, then removes its partial file. */
  async stop(timeoutMs: number): Promise<void> {
    this.#stopping = true;
    this.#job?.stop();
    const r = this.#running;
    if (!r) return;
    const finished = await Promise.race([r.done.then(() => true), sleep(timeoutMs).then(() => false)]);
    if (finished) return;
    r.abandoned = true;
    r.abort.abort();
    this.#o.log.warn('stopping during a backup; its unfinished files are removed', { name: r.name });
    await this.#o.dir.removeTemporaries(r.name);
  }

  /** Starts a backup unless one is running; resolves once it is under way (never rejects: the log says why not). */
  async #fire(trigger: Trigger): Promise<void> {
    if (this.#running) {
      this.#o.log.warn('a backup is still being written; this scheduled one is skipped', { running: this.#running.name, trigger });
      return;
    }
    await this.begin(trigger).catch((err: unknown) => this.#o.log.error('could not start a backup', { trigger, err }));
  }

  async #run(r: Running): Promise<void> {
    const { dir, engine, log } = this.#o;
    const partial = join(dir.path, partialName(r.name));
    const end = (ok: boolean, error: string | null) => {
      this.#last = { name: r.name, at: this.#now().toISOString(), ok, error };
    };
    let manifest: Awaited<ReturnType<BackupEngine['make']>>;
    try {
      manifest = await engine.make(partial, r.abort.signal);
    } catch (err) {
      if (await this.#gone(r)) return;
      const error = (err as Error).message;
      if (err instanceof BackupFailed && err.stage === 'verify') {
        const failed = `${r.name}.failed`;
        await dir.writeRecord(failed, { status: 'failed', at: this.#now().toISOString(), error });
        await dir.rename(partial, failed);
        log.error('backup failed its verification; kept as .failed', { name: failed, trigger: r.trigger, error });
      } else {
        await dir.removeTemporaries(r.name);
        log.error('backup failed', { name: r.name, trigger: r.trigger, err });
      }
      end(false, error);
      // Failed backups older than a day go even while every backup fails (they would fill the disk).
      return this.#prune().catch((e: unknown) => log.error('could not remove old backups (backup.keep)', { dir: dir.path, err: e }));
    }
    if (await this.#gone(r)) return;
    // The record first: a crash between the two leaves a record without its backup, which start-up removes.
    await dir.writeRecord(r.name, { status: 'verified', verifiedAt: this.#now().toISOString(), manifest });
    await dir.rename(partial, r.name);
    log.info('backup written and verified', { name: r.name, trigger: r.trigger, dir: dir.path });
    end(true, null);
    await this.#prune().catch((err: unknown) => log.error('could not remove old backups (backup.keep)', { dir: dir.path, err }));
  }

  /** True when a stop gave up waiting for this backup: its partial file goes, and nothing more is done. */
  async #gone(r: Running): Promise<boolean> {
    if (r.abandoned) await this.#o.dir.removeTemporaries(r.name);
    return Boolean(r.abandoned);
  }

  async #prune(): Promise<void> {
    const { dir, keep, log } = this.#o;
    const { remove } = retention(await dir.names(), keep, this.#now());
    for (const name of remove) await dir.remove(name);
    if (remove.length) log.info('old backups removed (backup.keep)', { removed: remove });
  }
}
