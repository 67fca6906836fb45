/**
 * `litestream restore` of every service database from a replica into a directory, as
 * `<service>.db` each: what `hearth restore --from-replica` and `hearth standby` build on.
 * A service with nothing at the replica yet is `found: false`, not an error. Anything else
 * that goes wrong (no Litestream, an unreachable replica, a file already in the way) throws
 * a clear error, and everything this call wrote is removed again: it writes the restored
 * databases and nothing else (Litestream's configuration goes to a private temporary folder).
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HearthConfig } from '../../config/index.ts';
import { findLitestream } from './find-litestream.ts';
import { litestreamEnv, litestreamYaml, replicaName, replicaTarget, ReplicationError } from './litestream-config.ts';

/** What was restored for one service. */
export interface RestoredReplica {
  service: string;
  /** `<into>/<service>.db` (only there when `found`). */
  path: string;
  /** False when the replica holds nothing for this service yet. */
  found: boolean;
}

/**
 * Restores every service's database from the replica at `url` into `into`.
 *
 * @example
 * const dbs = await restoreReplica({ config, url: 'file:///mnt/nas/hearth', services: ['users', 'chat'], into: staging });
 * // [{ service: 'users', path: '<staging>/users.db', found: true }, …]
 */
export async function restoreReplica(o: {
  config: HearthConfig;
  url: string;
  services: readonly string[];
  into: string;
  /** Called as each service's restore finishes. */
  onProgress?: (service: string) => void;
}): Promise<RestoredReplica[]> {
  const target = replicaTarget(o.url);
  const bin = findLitestream(o.config);
  if (target.kind === 'file' && !isDir(target.dir)) {
    throw new ReplicationError(`the replica folder ${target.dir} does not exist or is not a folder (is its disk mounted?)`);
  }
  mkdirSync(o.into, { recursive: true, mode: 0o700 });
  const dbs = o.services.map((service) => ({ service, path: join(o.into, `${service}.db`) }));
  const inTheWay = dbs.filter((d) => existsSync(d.path)).map((d) => d.path);
  if (inTheWay.length) throw new ReplicationError(`cannot restore into ${o.into}: ${inTheWay.join(', ')} already there`);

  const work = mkdtempSync(join(tmpdir(), 'hearth-restore-'));
  const configFile = join(work, 'litestream.yml');
  writeFileSync(configFile, litestreamYaml({ replication: o.config.replication, url: o.url, dbs }), { mode: 0o600 });
  const env = litestreamEnv(process.env, o.config.replication);
  const done: RestoredReplica[] = [];
  try {
    for (const db of dbs) {
      // The database path is the configuration's key for this replica, and the output too.
      const run = await runLitestream(bin, ['restore', '-config', configFile, '-no-expand-env', '-if-replica-exists', '-o', db.path, db.path], env);
      if (run.code !== 0) {
        throw new ReplicationError(`cannot restore ${db.service} from ${replicaName(target, db.service)}: ${run.error}`);
      }
      const found = existsSync(db.path);
      if (found) {
        chmodSync(db.path, 0o600);
        // Litestream applies the WAL to `<db>.tmp` with a truncating checkpoint, then renames
        // only the database: the emptied `.tmp-wal` and its `.tmp-shm` stay behind.
        for (const extra of ['.tmp-wal', '.tmp-shm', '-wal', '-shm']) rmSync(db.path + extra, { force: true });
      }
      done.push({ service: db.service, path: db.path, found });
      o.onProgress?.(db.service);
    }
    return done;
  } catch (err) {
    for (const db of dbs) removeRestored(o.into, db.path);
    throw err;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The database and whatever Litestream left beside it (`<db>.tmp`, `<db>.tmp-<index>-wal`, …). */
function removeRestored(dir: string, path: string): void {
  const name = path.slice(dir.length + 1);
  for (const f of readdirSync(dir)) {
    if (f === name || f.startsWith(`${name}.tmp`) || f === `${name}-wal` || f === `${name}-shm`) rmSync(join(dir, f), { force: true, recursive: true });
  }
}

/** Runs Litestream to completion; `error` is what it said went wrong (its last error line). */
export function runLitestream(bin: string, args: string[], env: Record<string, string>): Promise<{ code: number; output: string; error: string }> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => void (output += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => void (output += b.toString('utf8')));
    child.once('error', (err) => resolve({ code: -1, output, error: `cannot run ${bin}: ${err.message}` }));
    child.once('close', (code, signal) => resolve({ code: code ?? -1, output, error: lastError(output) || `litestream exited with ${code ?? signal}` }));
  });
}

/**
 * The error in Litestream's output: the `error` of its last error record (JSON, or slog's
 * text `level=ERROR … error="…"`), else its last line.
 */
export function lastError(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  for (const line of lines.reverse()) {
    try {
      const rec = JSON.parse(line) as { level?: string; msg?: string; error?: string };
      if (rec.level === 'ERROR') return rec.error ?? rec.msg ?? line;
      continue;
    } catch {
      // not JSON: slog's text format, or a plain message
    }
    const text = /level=ERROR .*?error=("(?:[^"\\]|\\.)*"|\S+)/.exec(line);
    if (text) return text[1]!.startsWith('"') ? (JSON.parse(text[1]!) as string) : text[1]!;
  }
  return lines[0] ?? '';
}
