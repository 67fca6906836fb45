/**
 * `hearth restore <archive> [--config FILE] [--data DIR] [--force] [--passphrase-file FILE]`
 * and `hearth restore --from-replica URL …`: into a stopped or new data directory. The
 * archive is decrypted, unpacked and checked in a staging directory beside the data
 * directory (checksums, integrity, schemas this build knows) before the data directory is
 * touched; installRestore then moves the databases in under the data lock.
 * Exit 0 when restored; 1 when the archive is bad (damaged, wrong passphrase, a newer
 * schema); 2 for a usage or configuration error (a running Hearth, a non-empty directory).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { configOrExit, fail } from '../command-line.ts';
import { restrictUmask } from '../data-dir.ts';
import type { HearthConfig } from '../../config/index.ts';
import { redactUrl } from '../../kit/index.ts';
import { planServices } from '../plan.ts';
// Replication's own files, not its index.ts: the standby there imports installRestore from
// here, and going through the index would make an import cycle.
import { LitestreamMissing } from '../replication/find-litestream.ts';
import { ReplicationError } from '../replication/litestream-config.ts';
import { restoreReplica } from '../replication/restore-replica.ts';
import type { ServiceLoaders } from '../service-host.ts';
import { isEncrypted } from './archive.ts';
import { BackupError } from './errors.ts';
import { checkTarget, installRestore } from './install.ts';
import { describeSize } from './names.ts';
import { takeFlags } from './own-flags.ts';
import { askPassphrase, canAsk, readPassphraseFile } from './passphrase.ts';
import { unpackBackup } from './verify.ts';

const USAGE = 'usage: hearth restore <archive> [--config FILE] [--data DIR] [--force] [--passphrase-file FILE]\n       hearth restore --from-replica URL [--config FILE] [--data DIR] [--force]';

/** Runs `hearth restore`; resolves with the exit code. `builtins`: the loaders of this build's services. */
export async function runRestore(argv: string[], builtins: ServiceLoaders, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const flags = takeFlags(argv, { '--force': 'switch', '--passphrase-file': 'value', '--from-replica': 'value' });
  if (flags.problem) return fail(`${flags.problem}\n${USAGE}`);
  const loaded = configOrExit(flags.rest);
  if (typeof loaded === 'number') return loaded;
  const { config, rest } = loaded;
  const replica = flags.values['--from-replica'];
  if (rest.length > (replica ? 0 : 1) || (!replica && !rest.length)) return fail(USAGE);
  restrictUmask();
  const force = flags.values['--force'] === true;
  const started = Date.now();
  let staging: string | undefined;
  try {
    await checkTarget(config, Object.keys(builtins), force);
    // Beside the data directory: on the same disk, so the databases are moved in, not copied.
    staging = mkdtempSync(join(dirname(config.data), `.${basename(config.data)}.restore-`));
    if (typeof replica === 'string') await fromReplica(config, Object.keys(builtins), replica, staging, out);
    else await fromArchive(resolve(rest[0]!), flags.values['--passphrase-file'], config.backup.passphrase, staging, out);
    const restored = await installRestore({ config, builtins, staging, force, out });
    const bytes = restored.reduce((n, r) => n + r.bytes, 0);
    out.write(`restored ${restored.length} databases (${describeSize(bytes)}) into ${config.data} in ${((Date.now() - started) / 1000).toFixed(1)} s; start Hearth on it: hearth serve --data ${config.data}\n`);
    return 0;
  } catch (err) {
    const nothing = `nothing was restored; ${config.data} is as it was`;
    if (err instanceof BackupError) {
      process.stderr.write(`hearth: ${err.message}\n${nothing}\n`);
      return err.exitCode;
    }
    if (err instanceof LitestreamMissing) return fail(`${err.message}\n${nothing}`);
    if (err instanceof ReplicationError) {
      process.stderr.write(`hearth: ${err.message}\n${nothing}\n`);
      return 1;
    }
    process.stderr.write(`hearth: the restore failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    if (staging) rmSync(staging, { recursive: true, force: true });
  }
}

/** Unpacks and checks the archive `file` into `staging`. */
async function fromArchive(archive: string, passphraseFile: string | true | undefined, setting: string, staging: string, out: NodeJS.WritableStream): Promise<void> {
  const passphrase = await passphraseFor(archive, passphraseFile, setting);
  out.write(`checking ${archive} …\n`);
  const manifest = await unpackBackup(archive, staging, passphrase ? { passphrase } : {});
  out.write(`backup of ${manifest.created_at} by Hearth ${manifest.hearth}: ${manifest.databases.length} databases, every checksum and integrity check passed\n`);
  for (const s of manifest.skipped) out.write(`  not in the backup: ${s.service} (${s.reason})\n`);
}

/** Restores every planned service's database from the Litestream replica at `url` into `staging`. */
async function fromReplica(config: HearthConfig, builtins: readonly string[], url: string, staging: string, out: NodeJS.WritableStream): Promise<void> {
  out.write(`restoring from the replica ${redactUrl(url)} …\n`);
  const services = planServices(config, builtins).services;
  const got = await restoreReplica({ config, url, services, into: staging, onProgress: (s) => out.write(`  fetched ${s}\n`) });
  const missing = got.filter((r) => !r.found).map((r) => r.service);
  if (missing.length === got.length) throw new BackupError('damaged', `the replica ${redactUrl(url)} holds no database of any service (${services.join(', ')}); is it the right URL?`);
  for (const s of missing) out.write(`  not in the replica: ${s} (it starts empty)\n`);
}

/** The passphrase to open `archive` with: from the file, the setting, or asked (only when it is encrypted). */
async function passphraseFor(archive: string, file: string | true | undefined, setting: string): Promise<string | undefined> {
  if (typeof file === 'string') return readPassphraseFile(file);
  if (setting) return setting;
  if (existsSync(archive) && isEncrypted(archive) && canAsk()) return askPassphrase(`Passphrase for ${basename(archive)}: `);
  return undefined;
}
