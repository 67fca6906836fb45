/**
 * `hearth backup [--config FILE] [--data DIR] [--out FILE] [--passphrase-file FILE | --encrypt]`:
 * an online backup of every service's database, while Hearth runs or not. One line per
 * database (rewritten in place on a terminal), then the archive's path, size and time.
 * Exit 0 when written, 1 when it could not be, 2 for a usage or configuration error.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { configOrExit, fail } from '../command-line.ts';
import { restrictUmask } from '../data-dir.ts';
import { planServices } from '../plan.ts';
import { BackupError } from './errors.ts';
import { defaultArchiveName, describeSize } from './names.ts';
import { takeFlags } from './own-flags.ts';
import { askNewPassphrase, canAsk, readPassphraseFile } from './passphrase.ts';
import { writeBackup } from './write.ts';

const USAGE = 'usage: hearth backup [--config FILE] [--data DIR] [--out FILE] [--passphrase-file FILE | --encrypt]';

/** Runs `hearth backup`; resolves with the exit code. `builtins`: the services this build has. */
export async function runBackup(argv: string[], builtins: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const flags = takeFlags(argv, { '--out': 'value', '--passphrase-file': 'value', '--encrypt': 'switch' });
  if (flags.problem) return fail(`${flags.problem}\n${USAGE}`);
  const loaded = configOrExit(flags.rest);
  if (typeof loaded === 'number') return loaded;
  const { config, rest } = loaded;
  if (rest.length) return fail(`unexpected ${JSON.stringify(rest[0])}\n${USAGE}`);
  restrictUmask(); // the snapshots and the archive are as private as the data directory
  const started = Date.now();
  try {
    const file = flags.values['--passphrase-file'];
    let passphrase = typeof file === 'string' ? readPassphraseFile(file) : config.backup.passphrase || undefined;
    if (!passphrase && flags.values['--encrypt']) {
      if (!canAsk()) return fail('--encrypt asks for the passphrase on a terminal; without one, give --passphrase-file FILE');
      passphrase = await askNewPassphrase();
    }
    const target = resolve(String(flags.values['--out'] ?? defaultArchiveName(new Date(), Boolean(passphrase))));
    const tty = Boolean((out as { isTTY?: boolean }).isTTY);
    const manifest = await writeBackup({
      config,
      services: planServices(config, builtins).services,
      out: target,
      ...(passphrase ? { passphrase } : {}),
      onProgress: (p) => out.write(`${tty ? '\r\x1b[K' : ''}  copied ${p.service} (${p.done}/${p.total})${tty ? '' : '\n'}`),
    });
    if (tty) out.write('\n');
    for (const s of manifest.skipped) out.write(`  skipped ${s.service}: ${s.reason}\n`);
    const size = describeSize(statSync(target).size);
    const n = manifest.databases.length;
    out.write(`backup written: ${target} (${size}, ${n} database${n === 1 ? '' : 's'}${passphrase ? ', encrypted' : ''}, ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    return 0;
  } catch (err) {
    if (err instanceof BackupError) {
      process.stderr.write(`hearth: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`hearth: the backup failed: ${(err as Error).message}\n`);
    return 1;
  }
}
