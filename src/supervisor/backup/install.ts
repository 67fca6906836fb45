/**
 * Installing restored databases: takes a staging directory of `<service>.db` files (from an
 * archive or a replica), checks each one — integrity, and a schema this build knows —
 * marks it restored (the kit's stampRestore), and only then moves them into the data
 * directory. The data lock is held throughout, so no Hearth starts on a half-restored
 * directory; a directory that already holds service databases is refused unless `force`,
 * and then the files replaced are moved aside to `<data>/replaced-<time>/`, never deleted
 * (with their `-wal` and `-shm`, which would otherwise be applied to the restored file).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { HearthConfig } from '../../config/index.ts';
import { openDb, stampRestore } from '../../kit/index.ts';
import { LockError, lockHolder, takeLock } from '../lock.ts';
import { planServices } from '../plan.ts';
import type { ServiceLoaders } from '../service-host.ts';
import { BackupError } from './errors.ts';
import { dbFile } from './manifest.ts';
import { describeSize, utcStamp } from './names.ts';
import { checkKnownSchema } from './schema-check.ts';
import { openFile, readFacts } from './snapshot.ts';
import { checkIntegrity } from './verify.ts';

/** A database `installRestore` put in place. */
export interface RestoredDatabase {
  service: string;
  /** Where it is now (`<data>/<service>.db`). */
  path: string;
  bytes: number;
  /** Its event log's head. */
  head: number;
  /** Migration scope → highest version. */
  schema: Record<string, number>;
  /** The restore epoch stampRestore gave it. */
  epoch: string;
}

/** What `installRestore` needs. */
export interface InstallOptions {
  config: HearthConfig;
  /** The built-in services' loaders (their migrations are what this build knows). */
  builtins: ServiceLoaders;
  /** A directory of `<service>.db` files, on the same machine (moved from, then left empty). */
  staging: string;
  /** Replace the service databases already in the data directory (moved aside). */
  force: boolean;
  /** Where to say what was restored. */
  out: NodeJS.WritableStream;
  /** The caller holds the data directory's lock already (a standby refreshing its copy). */
  lockHeld?: boolean;
  /**
   * What becomes of the databases in the data directory under `force`: every one moved aside
   * (the default), or `'staged'`: only the staged services' deleted and replaced, the others
   * left as they are (a standby refreshing the databases that changed in its disposable copy).
   */
  replaced?: 'aside' | 'staged';
}

/** The files of one service database in a directory. */
const PARTS = ['', '-wal', '-shm', '-journal'];

/**
 * Checks and installs the databases in `o.staging` into `o.config.data`; throws a
 * BackupError (nothing in the data directory changed) when any check fails.
 *
 * @example
 * const restored = await installRestore({ config, builtins, staging, force: false, out: process.stdout });
 */
export async function installRestore(o: InstallOptions): Promise<RestoredDatabase[]> {
  const { data } = o.config;
  const staged = readdirSync(o.staging).filter((f) => f.endsWith('.db')).map((f) => f.slice(0, -3)).sort();
  if (!staged.length) throw new BackupError('damaged', `nothing to restore: no database in ${o.staging}`);
  mkdirSync(data, { recursive: true, mode: 0o700 });
  let lock;
  try {
    lock = o.lockHeld ? undefined : await takeLock(data);
  } catch (err) {
    if (err instanceof LockError && err.pid) throw new BackupError('refused', `Hearth is running on ${data} (pid ${err.pid}); stop it before restoring`);
    throw new BackupError('refused', `cannot lock ${data}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const present = refuseOccupied(o.config, Object.keys(o.builtins), staged, o.force);
    const restored: RestoredDatabase[] = [];
    for (const service of staged) {
      const path = join(o.staging, dbFile(service));
      await checkIntegrity(path, `${service}'s database`);
      await checkKnownSchema(o.config, o.builtins, service, path);
      const db = await openDb({ path, service });
      let epoch: string;
      try {
        ({ epoch } = await stampRestore(db));
        await db.client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
      } finally {
        db.close();
      }
      const client = await openFile(path);
      try {
        const facts = await readFacts(client);
        restored.push({ service, path: join(data, dbFile(service)), bytes: statSync(path).size, head: facts.head, schema: facts.schema, epoch });
      } finally {
        client.close();
      }
    }
    if (o.replaced === 'staged') {
      for (const f of present) if (staged.some((s) => f.startsWith(dbFile(s)))) rmSync(join(data, f), { force: true });
    } else if (present.length) {
      const aside = join(data, `replaced-${utcStamp(new Date())}`);
      mkdirSync(aside, { mode: 0o700 });
      for (const f of present) renameSync(join(data, f), join(aside, f));
      o.out.write(`moved the databases it replaces to ${aside}\n`);
    }
    for (const service of staged) {
      const file = dbFile(service);
      // The -shm is only an index of the -wal (empty after the checkpoint above): rebuilt at the next open.
      rmSync(join(o.staging, `${file}-shm`), { force: true });
      for (const part of ['-wal', '']) if (existsSync(join(o.staging, file + part))) move(join(o.staging, file + part), join(data, file + part));
    }
    for (const r of restored) {
      const schema = Object.entries(r.schema).map(([scope, v]) => `${scope} ${v}`).join(', ');
      o.out.write(`restored  ${r.service.padEnd(14)} ${String(r.head).padStart(8)} events  ${describeSize(r.bytes).padStart(9)}  schema ${schema}\n`);
    }
    return restored;
  } finally {
    lock?.release();
  }
}

/**
 * Checks a restore's target before the long part (decrypting, unpacking): refuses a data
 * directory a Hearth runs on, and one holding service databases unless `force`.
 */
export async function checkTarget(config: HearthConfig, builtins: readonly string[], force: boolean): Promise<void> {
  const pid = await lockHolder(config.data);
  if (pid) throw new BackupError('refused', `Hearth is running on ${config.data} (pid ${pid}); stop it before restoring`);
  refuseOccupied(config, builtins, [], force);
}

/** The files of service databases in the data directory (planned services and `staged`); throws unless `force` or none. */
function refuseOccupied(config: HearthConfig, builtins: readonly string[], staged: readonly string[], force: boolean): string[] {
  const services = new Set([...planServices(config, builtins).services, ...staged]);
  const names = new Set(existsSync(config.data) ? readdirSync(config.data) : []);
  const present = [...services].flatMap((s) => PARTS.map((p) => dbFile(s) + p)).filter((f) => names.has(f));
  if (present.length && !force) {
    throw new BackupError('refused', `${config.data} already holds service databases (${present.join(', ')}); restore into a new directory, or give --force to replace them (they are moved aside, not deleted)`);
  }
  return present;
}

/** Renames `from` to `to`, copying when they are on different file systems. */
function move(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    // Copied under another name first: the final name never holds half a database.
    copyFileSync(from, `${to}.restoring`);
    renameSync(`${to}.restoring`, to);
    rmSync(from);
  }
}
