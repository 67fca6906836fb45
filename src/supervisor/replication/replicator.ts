/**
 * The Litestream child of `hearth serve`: `litestream replicate` over every local service
 * database, run in its own process table so that it is restarted with the same backoff as
 * the services and stopped after them (Litestream ships what is left on SIGTERM: its
 * `DB.Close` does a last sync of the database and of each replica).
 *
 * Litestream does not read its stdin, so it would outlive a supervisor killed outright and
 * keep a read transaction open on every database. It is therefore started through `sh`,
 * which keeps the supervisor's stdin pipe for a watcher and then becomes Litestream
 * (`exec`, same pid): when the pipe reaches end-of-file — the supervisor is gone, however
 * it went — the watcher sends Litestream SIGTERM, as the supervisor would have.
 *
 * Its JSON log is read line by line: shipped positions and errors feed `ReplicaHealth`,
 * and each record goes on to Hearth's own log (routine ones at debug level).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HearthConfig } from '../../config/index.ts';
import type { Logger, ReplicationReadiness } from '../../kit/index.ts';
import { ProcessTable } from '../children.ts';
import { litestreamEnv, litestreamYaml, replicaName, replicaTarget, type ReplicatedDb } from './litestream-config.ts';
import { ReplicaHealth, type LitestreamRecord } from './replica-health.ts';

/** The configuration file Litestream is given, in the data directory (private, like everything there). */
export const LITESTREAM_CONFIG_FILE = 'litestream.yml';

/** Keeps fd 0 (the supervisor's pipe) for a watcher on fd 3, then becomes Litestream ($0 "$@"). */
const GUARD = [
  'exec 3<&0',
  '(while read -r _ <&3; do :; done; kill -TERM $$ 2>/dev/null) </dev/null >/dev/null 2>&1 &',
  'exec "$0" "$@" </dev/null 3<&-',
].join('\n');

/** The service databases Litestream can replicate: local files (not a remote libSQL database or an embedded replica of one). */
export function replicatedDbs(config: HearthConfig, services: readonly string[]): ReplicatedDb[] {
  return services
    .filter((s) => !config.services[s]?.db?.url && !config.services[s]?.db?.sync_url)
    .map((service) => ({ service, path: join(config.data, `${service}.db`) }));
}

/**
 * Runs Litestream for `services` while Hearth runs.
 *
 * @example
 * const replicator = startReplicator({ config, services, bin: findLitestream(config), log });
 * replicator.state(); // → /readyz's `replication`
 * await replicator.stop(10_000); // after the services
 */
export function startReplicator(o: { config: HearthConfig; services: readonly string[]; bin: string; log: Logger }): Replicator {
  return new Replicator(o);
}

/** The running Litestream child and what it has reported. */
export class Replicator {
  readonly #table: ProcessTable;
  readonly #health: ReplicaHealth;
  readonly #log: Logger;
  readonly #timer: ReturnType<typeof setInterval> | undefined;
  #lastStatus = new Map<string, string>();
  /** The last error logged per database: an unreachable replica fails again at every sync, and is logged once. */
  #lastError = new Map<string, string>();

  constructor(o: { config: HearthConfig; services: readonly string[]; bin: string; log: Logger }) {
    const { config } = o;
    const url = config.replication.url;
    const target = replicaTarget(url);
    const dbs = replicatedDbs(config, o.services);
    this.#log = o.log.child({ component: 'litestream' });
    this.#health = new ReplicaHealth(
      dbs.map((d) => ({ ...d, replica: replicaName(target, d.service) })),
      { url, syncIntervalMs: config.replication.sync_interval_ms },
    );
    const file = join(config.data, LITESTREAM_CONFIG_FILE);
    writeFileSync(file, litestreamYaml({ replication: config.replication, url, dbs, logLevel: config.log.level }), { mode: 0o600 });
    this.#table = new ProcessTable(o.log, {
      initialMs: config.supervisor.restart_initial_ms,
      maxMs: config.supervisor.restart_max_ms,
      resetMs: config.supervisor.restart_reset_ms,
    });
    if (!dbs.length) {
      // Every service database is remote (libSQL's own replication): Litestream has nothing to do.
      this.#log.warn('replication.url is set, but no service database is a local file: nothing to replicate', { url });
      return;
    }
    this.#table.start({
      name: 'litestream',
      command: ['/bin/sh', '-c', GUARD, o.bin, 'replicate', '-config', file, '-no-expand-env'],
      env: litestreamEnv(process.env, config.replication),
      output: (line) => this.#line(line),
      onSpawn: () => this.#health.started(),
      // Litestream must outlast the services to ship their last writes: a Ctrl+C sent to the
      // whole terminal group would stop it first (the guard still ends it if we die).
      detached: true,
    });
    this.#log.info('replicating', { url, databases: dbs.map((d) => d.service), config: file });
    this.#timer = setInterval(() => this.#look(), config.supervisor.health_interval_ms);
    this.#timer.unref?.();
  }

  /** What /readyz shows under `replication`. */
  state(): ReplicationReadiness {
    const s = this.#table.status().litestream ?? { pid: 0, restarts: 0 };
    return this.#health.state({ running: s.pid > 0, pid: s.pid, restarts: s.restarts });
  }

  /** SIGTERM (Litestream ships what is left), SIGKILL after `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    clearInterval(this.#timer);
    await this.#table.stopAll(timeoutMs);
  }

  /** SIGKILL at once (the second Ctrl+C). */
  kill(): void {
    clearInterval(this.#timer);
    this.#table.killAll();
  }

  #look(): void {
    this.#health.look();
    const now = this.state();
    for (const [service, d] of Object.entries(now.databases)) {
      const was = this.#lastStatus.get(service);
      if (was === d.status) continue;
      this.#lastStatus.set(service, d.status);
      if (d.status === 'failing' || d.status === 'lagging') this.#log.warn(`replica ${d.status}`, { service, replica: d.replica, lag_s: d.lagSeconds, error: d.error });
      else if (d.status === 'ok' && (was === 'failing' || was === 'lagging')) this.#log.info('replica caught up', { service, replica: d.replica });
    }
  }

  #line(line: string): void {
    let r: LitestreamRecord & Record<string, unknown>;
    try {
      r = JSON.parse(line) as typeof r;
    } catch {
      if (line.trim()) this.#log.warn(line.trim()); // not its JSON log: a Go panic or a message before the log is set up
      return;
    }
    this.#health.record(r);
    const { time: _t, level, msg, ...fields } = r;
    const text = String(msg ?? 'litestream');
    const db = typeof r.db === 'string' ? r.db : '';
    if (level === 'ERROR') {
      const again = this.#lastError.get(db) === `${text}: ${r.error}`;
      this.#lastError.set(db, `${text}: ${r.error}`);
      this.#log[again ? 'debug' : 'error'](text, fields);
      return;
    }
    if (text === 'wal segment written' || text === 'snapshot written') this.#lastError.delete(db);
    this.#log[level === 'WARN' ? 'warn' : 'debug'](text, fields);
  }
}
