/**
 * `hearth standby --from-replica URL`: a second machine keeps a copy of the primary's
 * databases a few seconds behind, and becomes the primary when `hearth promote` asks
 * (docs/operations.md, "Standby and promote"). In order:
 *   1. load the configuration; refuse `replication.url` = the replica followed (once
 *      promoted, it would write where the old primary writes);
 *   2. take the data directory's lock, and refuse a directory holding a Hearth's data that
 *      a standby did not put there (a standby overwrites its copy on every refresh);
 *   3. listen on the HTTP address as a standby (standby-http.ts) and on the control socket
 *      promote speaks to (standby-control.ts);
 *   4. restore every service database from the replica (follow.ts), then again every
 *      `replication.standby_interval_ms`, each service only when its replica moved.
 * On promote: one last restore (or, the replica unreachable, the copy it has, saying how
 * old), then it lets go of its listeners and runs `hearth serve` in this process, handing
 * over the lock, and tells promote once the primary is ready.
 */
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Server as SocketServer } from 'node:net';
import { join } from 'node:path';
import { parseHostPort } from '../../config/index.ts';
import { createLogger, type Logger } from '../../kit/index.ts';
import { checkAddresses, plannedAddresses } from '../addresses.ts';
import { configOrExit, fail } from '../command-line.ts';
import { DataDirError, makePrivate, restrictUmask } from '../data-dir.ts';
import { LockError, takeLock, type DataLock } from '../lock.ts';
import { planServices } from '../plan.ts';
import { findLitestream, LitestreamMissing, replicaTarget, ReplicationError } from '../replication/index.ts';
import { runServe } from '../serve.ts';
import type { ServiceLoaders } from '../service-host.ts';
import { Follower } from './follow.ts';
import { RefreshLoop } from './refresh-loop.ts';
import { listenControl, type PromoteReport } from './standby-control.ts';
import { startStandbyHttp } from './standby-http.ts';

/** The file that says a data directory holds a standby's copy (and of which replica). */
const MARKER = 'hearth.standby.json';

/** `hearth standby --from-replica URL [--config FILE] [--data DIR] [--http HOST:PORT]`. */
export async function runStandby(argv: string[], builtins: ServiceLoaders): Promise<number> {
  const flag = takeFromReplica(argv);
  if (typeof flag === 'string') return fail(flag);
  const { url, rest } = flag;
  const loaded = configOrExit(rest);
  if (typeof loaded === 'number') return loaded;
  const { config } = loaded;
  if (sameReplica(config.replication.url, url)) {
    return fail(`replication.url is ${url}, the replica this standby follows: once promoted it would write where the old primary writes, and two primaries on one replica ruin it. Set replication.url to a new location (or "" for none) in the standby's configuration`);
  }
  try {
    replicaTarget(url);
    findLitestream(config); // the standby restores with it, and the promoted primary replicates with it
  } catch (err) {
    if (err instanceof LitestreamMissing || err instanceof ReplicationError) return fail(err.message);
    throw err;
  }
  const log = createLogger({ service: 'standby', level: config.log.level, format: config.log.format });
  const { services } = planServices(config, Object.keys(builtins));

  restrictUmask();
  let lock: DataLock;
  try {
    makePrivate(config.data);
    lock = await takeLock(config.data, (m) => log.warn(m, { data: config.data }));
  } catch (err) {
    const known = err instanceof DataDirError || err instanceof LockError;
    return fail(known ? err.message : `cannot use the data directory ${config.data}: ${(err as Error).message}`);
  }
  const foreign = foreignData(config.data, url);
  if (foreign) {
    lock.release();
    return fail(foreign);
  }
  const busy = await checkAddresses(plannedAddresses(config).slice(0, 1));
  if (busy.length) {
    lock.release();
    for (const line of busy) fail(line);
    return 2;
  }
  writeFileSync(join(config.data, MARKER), `${JSON.stringify({ replica: url, since: new Date().toISOString() })}\n`);

  const follower = new Follower({ config, builtins, url, services });
  const { host, port } = parseHostPort(config.http);
  const http = await startStandbyHttp(host, port, () => follower.status());
  const loop = new RefreshLoop(follower, log, config.replication.standby_interval_ms);
  return new Promise<number>((resolve) => {
    let control: SocketServer | undefined;
    let over = false;
    const stop = async (signal: string) => {
      if (over) return;
      over = true;
      log.info('stopping', { signal });
      await loop.stop();
      await closeHttp(http.server);
      control?.close();
      lock.release();
      resolve(0);
    };
    const onSignal = (signal: string) => void stop(signal);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    const promote = async (report: PromoteReport) => {
      if (over) return report.failed('this standby is stopping or already promoted');
      over = true;
      follower.promoting(true);
      await loop.stop();
      if (!(await lastRefresh(follower, url, report, log))) {
        follower.promoting(false);
        over = false;
        loop.start();
        return;
      }
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await closeHttp(http.server);
      control?.close();
      rmSync(join(config.data, MARKER), { force: true });
      report.say(`starting Hearth as the primary on ${config.http}${config.replication.url ? `, replicating to ${config.replication.url}` : ' (replication.url is not set: nothing replicates this primary yet)'}`);
      log.info('promoted: starting as the primary', { replica: url, http: config.http });
      let told = false;
      const serving = runServe(rest, builtins, {
        lock,
        onStarted: (r) => {
          told = true;
          if (r.ready) report.ready(r.url);
          else report.failed(`Hearth started at ${r.url} but is not ready: ${Object.entries(r.notReady).map(([s, why]) => `${s} ${why}`).join(', ')}`);
        },
      });
      const code = await serving;
      if (!told) report.failed(`hearth serve stopped with exit code ${code} before it was ready (see the standby's output)`);
      lock.release();
      resolve(code);
    };
    void listenControl(config.data, (report) => void promote(report)).then(
      (server) => {
        control = server;
        if (over) server.close();
        log.info('standby: following the replica', { replica: url, http: `http://${host}:${http.port}`, data: config.data, every_ms: config.replication.standby_interval_ms });
        process.stdout.write(`hearth standby: following ${url} into ${config.data}; /readyz on http://${host}:${http.port}; hearth promote --data ${config.data} makes it the primary\n`);
        loop.start();
      },
      (err: Error) => {
        fail(`cannot listen for hearth promote in ${config.data}: ${err.message}`);
        over = true;
        void closeHttp(http.server).then(() => {
          lock.release();
          resolve(2);
        });
      },
    );
  });
}

/**
 * The final refresh before promotion. The replica unreachable, the copy it has will do —
 * said plainly, with its age; no copy at all, promotion fails. Resolves with whether to go on.
 */
async function lastRefresh(follower: Follower, url: string, report: PromoteReport, log: Logger): Promise<boolean> {
  report.say(`a last restore from ${url}`);
  try {
    const r = await follower.refresh();
    if (!follower.hasCopy) {
      report.failed(`the replica at ${url} holds no database yet: nothing to promote`);
      return false;
    }
    const at = follower.status().replicaAt;
    const what = r.restored.length ? `restored ${r.restored.join(', ')}` : 'the copy was up to date';
    report.say(`${what}${r.missing.length ? ` (nothing in the replica for ${r.missing.join(', ')})` : ''}${at ? `; the replica's newest change: ${at}` : ''}`);
    return true;
  } catch (err) {
    const why = (err as Error).message;
    log.warn('the last restore before promotion failed', { err: why });
    if (!follower.hasCopy) {
      report.failed(`the replica cannot be read (${why}) and this standby has no copy yet: nothing to promote`);
      return false;
    }
    const age = Math.round((Date.now() - follower.refreshedAt!) / 1000);
    report.say(`the replica cannot be read (${why}): promoting the copy as of ${new Date(follower.refreshedAt!).toISOString()} (${age} s old)`);
    return true;
  }
}

/** Takes `--from-replica URL` (or `=URL`) out of `argv`; a string says what is wrong. */
function takeFromReplica(argv: string[]): { url: string; rest: string[] } | string {
  const rest: string[] = [];
  let url: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--from-replica') url = argv[++i] ?? '';
    else if (a.startsWith('--from-replica=')) url = a.slice('--from-replica='.length);
    else rest.push(a);
  }
  const usage = 'hearth standby needs --from-replica URL: the primary\'s replication.url (file:///mnt/nas/hearth or s3://bucket/prefix)';
  if (url === undefined || url === '') return usage;
  if (!/^(file|s3):\/\/./.test(url)) return `--from-replica ${url}: ${usage}`;
  return { url, rest };
}

/** Whether two replica URLs name the same place (trailing slashes aside). */
function sameReplica(a: string, b: string): boolean {
  const norm = (u: string) => u.replace(/\/+$/, '');
  return a !== '' && norm(a) === norm(b);
}

/** Why `data` must not be used for a standby of `url` (it holds a Hearth's data a standby did not restore), or undefined. */
function foreignData(data: string, url: string): string | undefined {
  const dbs = readdirSync(data).filter((f) => f.endsWith('.db'));
  if (!dbs.length) return undefined;
  const marker = join(data, MARKER);
  if (!existsSync(marker)) {
    return `${data} holds a Hearth's data (${dbs.join(', ')}) that a standby would overwrite; give the standby an empty data directory (or its own from before)`;
  }
  let was: string | undefined;
  try {
    was = (JSON.parse(readFileSync(marker, 'utf8')) as { replica?: string }).replica;
  } catch {
    // an unreadable marker: treat as a standby copy of an unknown replica
  }
  if (was && !sameReplica(was, url)) return `${data} holds a standby's copy of ${was}, not of ${url}; use another data directory (or remove this one)`;
  return undefined;
}

function closeHttp(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}
