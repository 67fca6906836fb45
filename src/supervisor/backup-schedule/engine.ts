/**
 * How the schedule makes a backup: `hearth backup`'s own `writeBackup`, then `verifyBackup`
 * of what it wrote (src/supervisor/backup), with the services and `backup.passphrase`
 * bound, and the manifest cut down to what the admin's list shows.
 *
 * Under `hearth serve` this runs in a child process (`hearth backup-worker`, worker.ts),
 * not in the supervisor: the supervisor's event loop carries the embedded broker, and a
 * backup blocks the loop it runs on — scrypt for the passphrase is synchronous (about
 * 1.5–1.9 s per archive measured on this machine, twice: writing and verifying), and the
 * database copies and checks are synchronous calls into SQLite that grow with the data.
 * In a child, every request on the broker goes on being answered meanwhile.
 */
import { spawn } from 'node:child_process';
import type { backups } from '../../contracts/index.ts';
import type { HearthConfig } from '../../config/index.ts';
import { selfCommand } from '../../kit/index.ts';
import { verifyBackup, writeBackup, type BackupManifest } from '../backup/index.ts';

/** The manifest as the list shows it. */
export type ManifestSummary = NonNullable<backups.Backup['manifest']>;

/** A backup that could not be written (`write`: nothing to keep) or that failed its check (`verify`: kept as `.failed`). */
export class BackupFailed extends Error {
  override readonly name = 'BackupFailed';
  readonly stage: 'write' | 'verify';

  constructor(stage: 'write' | 'verify', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.stage = stage;
  }
}

/** Makes one backup at `out`: writes it, reads it back whole; resolves with its manifest's summary or rejects with BackupFailed. */
export interface BackupEngine {
  make(out: string, signal?: AbortSignal): Promise<ManifestSummary>;
}

/**
 * What the list shows of a manifest.
 *
 * @example
 * summarize(manifest).services; // [{ name: 'users', head: 42, schema: { kit: 3, users: 7 }, bytes: 98304 }, …]
 */
export function summarize(m: BackupManifest): ManifestSummary {
  return {
    hearthVersion: m.hearth,
    createdAt: m.created_at,
    services: m.databases.map((d) => ({ name: d.service, head: d.head, schema: { ...d.schema }, bytes: d.bytes })),
    skipped: m.skipped.map((s) => ({ service: s.service, reason: s.reason })),
  };
}

/**
 * Backups of `services`' databases in this process, encrypted when `backup.passphrase` is
 * set (what the worker runs; tests use `write` and `verify` apart).
 *
 * @example
 * const summary = await archiveEngine(config, ['users', 'chat']).make('/mnt/usb/.hearth-backup-….partial');
 */
export function archiveEngine(config: HearthConfig, services: readonly string[]) {
  const passphrase = config.backup.passphrase ? { passphrase: config.backup.passphrase } : {};
  const write = async (out: string) => {
    await writeBackup({ config, services, out, ...passphrase });
  };
  const verify = async (file: string) => summarize(await verifyBackup(file, passphrase));
  return {
    write,
    verify,
    async make(out: string): Promise<ManifestSummary> {
      await write(out).catch((err: unknown) => {
        throw new BackupFailed('write', (err as Error).message, { cause: err });
      });
      return verify(out).catch((err: unknown) => {
        throw new BackupFailed('verify', (err as Error).message, { cause: err });
      });
    },
  } satisfies BackupEngine & Record<string, unknown>;
}

/** What the worker prints, one JSON line on stdout. */
export type WorkerAnswer = { ok: true; manifest: ManifestSummary } | { ok: false; stage: 'write' | 'verify'; error: string };

/**
 * Backups made by `hearth backup-worker` child processes, started the way the supervisor
 * starts its services (the same executable, configuration file and environment, with
 * `data` as the supervisor resolved it). An abort kills the child. `command`: how to run
 * Hearth (default: as this process was run).
 *
 * @example
 * const engine = workerEngine({ configFile, data: config.data });
 */
export function workerEngine(o: { configFile?: string; data: string; env?: NodeJS.ProcessEnv; command?: string[] }): BackupEngine {
  return {
    make(out, signal) {
      const [cmd, ...args] = o.command ?? selfCommand();
      const argv = [...args, 'backup-worker', '--out', out, ...(o.configFile ? ['--config', o.configFile] : [])];
      const child = spawn(cmd!, argv, {
        env: { ...(o.env ?? process.env), HEARTH_DATA: o.data },
        // stdin: a pipe never written to, whose end tells the worker the supervisor is gone.
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const abort = () => child.kill('SIGKILL');
      signal?.addEventListener('abort', abort, { once: true });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
      return new Promise<ManifestSummary>((resolve, reject) => {
        child.on('error', (err) => reject(new BackupFailed('write', `could not start the backup process: ${err.message}`, { cause: err })));
        child.on('close', (code, sig) => {
          signal?.removeEventListener('abort', abort);
          const line = stdout.trim().split('\n').pop() ?? '';
          let answer: WorkerAnswer | undefined;
          try {
            answer = JSON.parse(line) as WorkerAnswer;
          } catch {
            answer = undefined; // no answer: it died; stderr says why
          }
          if (answer?.ok) return resolve(answer.manifest);
          if (answer) return reject(new BackupFailed(answer.stage, answer.error));
          const why = stderr.trim().split('\n').slice(-3).join(' ') || `it exited with ${sig ?? `code ${code}`}`;
          reject(new BackupFailed('write', `the backup process failed: ${why}`));
        });
      });
    },
  };
}
